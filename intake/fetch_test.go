package intake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

func TestBlocked(t *testing.T) {
	tests := []struct {
		ip      string
		blocked bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true},
		{"10.0.0.1", true}, {"172.16.5.4", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"fe80::1", true},
		{"0.0.0.0", true}, {"::", true}, {"0.1.2.3", true},
		{"100.64.0.1", true}, {"100.127.255.255", true},
		{"fd00::1", true}, {"fc00::1", true},
		{"224.0.0.1", true}, {"ff02::1", true}, {"255.255.255.255", true},
		{"::ffff:10.0.0.1", true}, {"::ffff:127.0.0.1", true},
		{"8.8.8.8", false}, {"100.63.255.255", false}, {"100.128.0.0", false},
		{"172.32.0.1", false}, {"2001:4860:4860::8888", false}, {"::ffff:8.8.8.8", false},
		{"59.231.4.15", false},
	}
	for _, tt := range tests {
		if got := Blocked(netip.MustParseAddr(tt.ip)); got != tt.blocked {
			t.Errorf("Blocked(%s) = %v, want %v", tt.ip, got, tt.blocked)
		}
	}
}

func TestFetchNames(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if ct := q.Get("ct"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if q.Get("noct") != "" {
			w.Header()["Content-Type"] = nil // no sniffing either
		}
		if cd := q.Get("cd"); cd != "" {
			w.Header().Set("Content-Disposition", cd)
		}
		if to := q.Get("redirect"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		fmt.Fprint(w, "body of "+r.URL.Path)
	}))
	defer srv.Close()
	f := NewFetcher(FetchOptions{Allow: loopback})
	tests := []struct {
		path string
		want string
	}{
		{"/files/report.pdf?ct=application/pdf", "report.pdf"},
		{"/files/" + "%E5%B9%B4%E6%8A%A5.pdf", "年报.pdf"},
		{"/dl?ct=application/pdf&cd=" + urlq(`attachment; filename*=UTF-8''2023%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf`), "2023年度报告.pdf"},
		{"/dl?cd=" + urlq(`attachment; filename="plain.docx"`), "plain.docx"},
		{"/dl?cd=" + urlq(`attachment; filename="%E6%8A%A5%E5%91%8A.docx"`), "报告.docx"},
		{"/dl?cd=" + urlq(`attachment; filename="../../etc/passwd"`), "passwd.txt"},
		{"/dl?cd=" + urlq(`attachment; filename=年报 2023.pdf`), "年报 2023.pdf"},
		{"/art/show.jsp?id=3&ct=" + urlq("text/html; charset=GBK"), "show.html"},
		{"/art/12345?ct=text/html", "12345.html"},
		{"/?ct=application/pdf", "download.pdf"},
		{"/?noct=1", "download.html"},
		{"/?ct=text/plain", "download.txt"},
		{"/a/b/?ct=application/octet-stream", "b"},
		{"/x?redirect=" + urlq("/files/final.pdf"), "final.pdf"},
	}
	for _, tt := range tests {
		got, err := f.Fetch(context.Background(), srv.URL+tt.path)
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if got.Name != tt.want {
			t.Errorf("%s: name %q, want %q", tt.path, got.Name, tt.want)
		}
		if !strings.HasPrefix(string(got.Data), "body of /") {
			t.Errorf("%s: data %q", tt.path, got.Data)
		}
	}
}

func urlq(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "&", "%26", ";", "%3B", "=", "%3D", `"`, "%22", "'", "%27", "/", "%2F").Replace(s)
}

// TestFetchGBKDisposition: a raw GBK file name in the header, as some
// Chinese servers send it.
func TestFetchGBKDisposition(t *testing.T) {
	name := gbk(t, "政府信息公开年报.pdf")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Disposition"] = []string{`attachment; filename="` + name + `"`}
		fmt.Fprint(w, "%PDF")
	}))
	defer srv.Close()
	got, err := NewFetcher(FetchOptions{Allow: loopback}).Fetch(context.Background(), srv.URL+"/d")
	if err != nil || got.Name != "政府信息公开年报.pdf" {
		t.Fatalf("got %q, %v", got.Name, err)
	}
}

func TestFetchBlocked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	tests := []struct {
		name  string
		allow []netip.Prefix
		url   string
		want  *BlockedAddressError
	}{
		{"loopback", nil, srv.URL + "/?to=/x", &BlockedAddressError{Host: "127.0.0.1", IP: netip.MustParseAddr("127.0.0.1")}},
		{"localhost by name", nil, "http://localhost:" + port + "/", nil}, // IP is 127.0.0.1 or ::1
		{"private", nil, "http://10.0.0.1:1/", &BlockedAddressError{Host: "10.0.0.1", IP: netip.MustParseAddr("10.0.0.1")}},
		{"IPv6 loopback", nil, "http://[::1]:1/", &BlockedAddressError{Host: "::1", IP: netip.MustParseAddr("::1")}},
		{"metadata", nil, "http://169.254.169.254/latest/meta-data/", &BlockedAddressError{Host: "169.254.169.254", IP: netip.MustParseAddr("169.254.169.254")}},
		{"mapped IPv4", nil, "http://[::ffff:10.1.2.3]:1/", &BlockedAddressError{Host: "::ffff:10.1.2.3", IP: netip.MustParseAddr("10.1.2.3")}},
		{"redirect from an allowed server to a private address", loopback, srv.URL + "/?to=" + urlq("http://10.0.0.1:1/x"),
			&BlockedAddressError{Host: "10.0.0.1", IP: netip.MustParseAddr("10.0.0.1")}},
		{"redirect to the metadata address", loopback, srv.URL + "/?to=" + urlq("http://169.254.169.254/"),
			&BlockedAddressError{Host: "169.254.169.254", IP: netip.MustParseAddr("169.254.169.254")}},
		{"allow does not cover other ranges", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, "http://127.0.0.2:1/",
			&BlockedAddressError{Host: "127.0.0.2", IP: netip.MustParseAddr("127.0.0.2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFetcher(FetchOptions{Allow: tt.allow}).Fetch(context.Background(), tt.url)
			var be *BlockedAddressError
			if !errors.As(err, &be) {
				t.Fatalf("error %T %v, want *BlockedAddressError", err, err)
			}
			if tt.want == nil {
				if be.Host != "localhost" || !be.IP.IsLoopback() {
					t.Errorf("got %#v", be)
				}
				return
			}
			if !reflect.DeepEqual(be, tt.want) {
				t.Errorf("got %#v, want %#v", be, tt.want)
			}
		})
	}
	if zh := (&BlockedAddressError{Host: "intranet.local", IP: netip.MustParseAddr("10.0.0.1")}).Zh(); zh != "“intranet.local”指向内部网络地址 10.0.0.1，不允许下载" {
		t.Errorf("Zh = %q", zh)
	}
}

func TestFetchRefusals(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/big":
			fmt.Fprint(w, strings.Repeat("x", 2000)) // with Content-Length
		case r.URL.Path == "/stream":
			for range 20 { // chunked: no length to refuse early
				fmt.Fprint(w, strings.Repeat("y", 100))
				w.(http.Flusher).Flush()
			}
		case r.URL.Path == "/exact":
			fmt.Fprint(w, strings.Repeat("z", 1000))
		case r.URL.Path == "/slow":
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		case strings.HasPrefix(r.URL.Path, "/loop/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/loop/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/loop/%d", n+1), http.StatusFound)
		case r.URL.Path == "/ftp":
			http.Redirect(w, r, "ftp://example.com/a.pdf", http.StatusFound)
		case r.URL.Path == "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(release)
	opts := FetchOptions{Allow: loopback, MaxBytes: 1000, MaxRedirects: 3, Timeout: 200 * time.Millisecond}
	tests := []struct {
		name   string
		url    string
		want   error
		wantZh string
	}{
		{"length over the limit", srv.URL + "/big", &TooLargeError{Name: srv.URL + "/big", Limit: 1000}, "“" + srv.URL + "/big”超过 1000 字节 的大小上限，已拒绝"},
		{"stream over the limit", srv.URL + "/stream", &TooLargeError{Name: srv.URL + "/stream", Limit: 1000}, ""},
		{"timeout", srv.URL + "/slow", &TimeoutError{URL: srv.URL + "/slow", After: 200 * time.Millisecond}, ""},
		{"redirect loop", srv.URL + "/loop/0", &TooManyRedirectsError{URL: srv.URL + "/loop/0", Max: 3}, "“" + srv.URL + "/loop/0”跳转超过 3 次，已停止下载"},
		{"redirect to ftp", srv.URL + "/ftp", &BadURLError{URL: "ftp://example.com/a.pdf", Redirect: true}, ""},
		{"redirect to a file", srv.URL + "/file", &BadURLError{URL: "file:///etc/passwd", Redirect: true}, ""},
		{"not found", srv.URL + "/missing", &HTTPStatusError{URL: srv.URL + "/missing", Status: 404}, "下载“" + srv.URL + "/missing”失败：服务器返回 404（页面不存在）"},
		{"ftp", "ftp://example.com/a.pdf", &BadURLError{URL: "ftp://example.com/a.pdf"}, "“ftp://example.com/a.pdf”不是有效的 http 或 https 网址"},
		{"file", "file:///etc/passwd", &BadURLError{URL: "file:///etc/passwd"}, ""},
		{"no host", "http:///a.pdf", &BadURLError{URL: "http:///a.pdf"}, ""},
		{"garbage", "http://[::1", &BadURLError{URL: "http://[::1"}, ""},
	}
	f := NewFetcher(opts)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.Fetch(context.Background(), tt.url)
			if !reflect.DeepEqual(err, tt.want) {
				t.Fatalf("error %#v (%v), want %#v", err, err, tt.want)
			}
			if got.Name != "" || got.Data != nil {
				t.Errorf("returned %q with the error", got.Name)
			}
			if zh := err.(interface{ Zh() string }).Zh(); tt.wantZh != "" && zh != tt.wantZh {
				t.Errorf("Zh = %q, want %q", zh, tt.wantZh)
			}
		})
	}
	// Exactly at the limit is fine; three redirects are fine.
	if got, err := f.Fetch(context.Background(), srv.URL+"/exact"); err != nil || len(got.Data) != 1000 {
		t.Errorf("/exact: %d bytes, %v", len(got.Data), err)
	}
	if _, err := f.Fetch(context.Background(), srv.URL+"/loop/0"); err == nil {
		t.Error("loop fetched")
	}
}

// TestFetchRedirectLimit: MaxRedirects redirects are followed, one more is not.
func TestFetchRedirectLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/%d", &n)
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/%d", n-1), http.StatusFound)
			return
		}
		fmt.Fprint(w, "arrived")
	}))
	defer srv.Close()
	tests := []struct {
		max, hops int
		ok        bool
	}{{3, 3, true}, {3, 4, false}, {-1, 0, true}, {-1, 1, false}, {0, 5, true}, {0, 6, false}}
	for _, tt := range tests {
		_, err := NewFetcher(FetchOptions{Allow: loopback, MaxRedirects: tt.max}).Fetch(context.Background(), fmt.Sprintf("%s/%d", srv.URL, tt.hops))
		var tm *TooManyRedirectsError
		if tt.ok && err != nil || !tt.ok && !errors.As(err, &tm) {
			t.Errorf("max %d, %d hops: %v", tt.max, tt.hops, err)
		}
	}
}

func TestFetchCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewFetcher(FetchOptions{}).Fetch(ctx, "http://10.0.0.1:1/")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestFetchUserAgent(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ua = r.UserAgent() }))
	defer srv.Close()
	if _, err := NewFetcher(FetchOptions{Allow: loopback}).Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ua, "ogi/") || !strings.HasSuffix(ua, " (+https://github.com/ogi-checker/ogi)") {
		t.Errorf("User-Agent %q", ua)
	}
}
