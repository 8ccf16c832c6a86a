package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ogi-checker/ogi/account"
)

// TestFetchGBKReport: a report downloaded from a site that serves GBK
// (as many government sites still do), through a redirect, is read with
// its Chinese intact: the body's name comes out of the conversion.
func TestFetchGBKReport(t *testing.T) {
	seed, err := os.ReadFile("../testdata/seeds/001_1dc63dd6a21548ca.txt")
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(seed)
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old/ndbg.jsp":
			http.Redirect(w, r, "/zwgk/2019ndbg.txt", http.StatusFound)
		case "/zwgk/2019ndbg.txt":
			w.Header().Set("Content-Type", "text/plain; charset=GBK")
			_, _ = w.Write(gbk)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	e := newEnv(t, func(c *Config) { c.FetchAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	id := c.createBatch(2019)
	r := c.postJSON(fmt.Sprintf("/api/batches/%d/urls", id), map[string]any{"urls": []string{site.URL + "/old/ndbg.jsp", site.URL + "/missing.html"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "2019ndbg.txt") || !strings.Contains(r.body, "404") {
		t.Fatalf("urls: %d %s", r.StatusCode, r.body)
	}
	c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil)
	e.waitDone(id)
	out := c.results(id)
	if len(out.Reports) != 1 || out.Reports[0].Agency != "天津市静海区人民政府办公室" || out.Reports[0].Score == nil {
		t.Fatalf("downloaded GBK report: %+v", out.Reports)
	}
}
