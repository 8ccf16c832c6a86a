package intake

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseURLList(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"lines", "https://a.gov.cn/1.html\nhttp://b.gov.cn/2.pdf\r\n", []string{"https://a.gov.cn/1.html", "http://b.gov.cn/2.pdf"}},
		{"spaces, tabs, full-width space", "https://a.gov.cn/1\thttps://a.gov.cn/2　https://a.gov.cn/3", []string{"https://a.gov.cn/1", "https://a.gov.cn/2", "https://a.gov.cn/3"}},
		{"dedup keeps the first", "https://a.gov.cn/x\nHTTPS://A.GOV.CN/x\nhttps://a.gov.cn/x", []string{"https://a.gov.cn/x"}},
		{"path case matters", "https://a.gov.cn/X https://a.gov.cn/x", []string{"https://a.gov.cn/X", "https://a.gov.cn/x"}},
		{"labels and punctuation", "网址：https://a.gov.cn/nb.html，\n（http://b.gov.cn/2023.pdf）\n<https://c.gov.cn/>.", []string{"https://a.gov.cn/nb.html", "http://b.gov.cn/2023.pdf", "https://c.gov.cn/"}},
		{"spreadsheet row", "1\t岳阳楼区\thttp://www.ylq.gov.cn/zwgk/nb/2023.html\t备注", []string{"http://www.ylq.gov.cn/zwgk/nb/2023.html"}},
		{"not http", "ftp://a/b file:///etc/passwd javascript:alert(1) www.a.gov.cn mailto:x@y.cn", nil},
		{"no host", "http:// https:///x http://", nil},
		{"empty", "", nil},
		{"query kept", "https://a.gov.cn/show.jsp?id=3&type=nb", []string{"https://a.gov.cn/show.jsp?id=3&type=nb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseURLList(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseURLList = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzParseURLList(f *testing.F) {
	f.Add("https://a.gov.cn/1.html\nhttp://b.gov.cn/2.pdf")
	f.Add("网址：https://a.gov.cn/nb.html，（http://b.gov.cn/）")
	f.Add("HTTPS://A.GOV.CN/x https://a.gov.cn/x http://[::1]:80/ http://user@h/")
	f.Fuzz(func(t *testing.T, text string) {
		got := ParseURLList(text)
		seen := map[string]bool{}
		for _, u := range got {
			if seen[u] {
				t.Fatalf("%q twice", u)
			}
			seen[u] = true
			lower := strings.ToLower(u)
			if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
				t.Fatalf("%q is not http", u)
			}
			if strings.ContainsFunc(u, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '　' }) {
				t.Fatalf("%q has white space", u)
			}
			if p, err := url.Parse(u); err != nil || p.Host == "" {
				t.Fatalf("%q does not parse with a host: %v", u, err)
			}
		}
	})
}
