package server

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/account"
)

// postMultipart posts fields and one file as a browser form does.
func (c *client) postMultipart(path string, fields map[string]string, file, name string, data []byte) response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != "" {
		fw, _ := mw.CreateFormFile(file, name)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.ts.URL+path, &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestLibrary: an administrator keeps a scoring profile and a roster;
// a reviewer cannot; a batch made with them is scored by the profile and
// covered against the roster.
func TestLibrary(t *testing.T) {
	e := newEnv(t, nil)
	e.user("admin", account.RoleAdmin)
	e.user("li", account.RoleReviewer)
	admin, li := e.login("admin"), e.login("li")
	yaml, err := os.ReadFile("../rules/profiles/jinzhou-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mine := bytes.Replace(yaml, []byte("name: jinzhou-example"), []byte("name: city-rubric"), 1)
	mine = bytes.Replace(mine, []byte("zh: 锦州式分类评分（示例）"), []byte("zh: 本市评估细则"), 1)
	if r := li.postMultipart("/admin/library", map[string]string{"kind": "profile"}, "file", "city.yaml", mine); r.StatusCode != http.StatusForbidden {
		t.Fatalf("a reviewer stored a profile: %d", r.StatusCode)
	}
	bad := []byte("name: broken\nindicators:\n  - {id: x, title: {zh: 甲, en: x}, weight: 100, rules: [no.such.rule]}\n")
	if r := admin.postMultipart("/admin/library", map[string]string{"kind": "profile"}, "file", "bad.yaml", bad); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a profile naming no rule was stored: %d", r.StatusCode)
	}
	if r := admin.postMultipart("/admin/library", map[string]string{"kind": "profile"}, "file", "city.yaml", mine); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "本市评估细则") {
		t.Fatalf("profile: %d", r.StatusCode)
	}
	roster := "body,type\n天津市静海区人民政府办公室,department\n某某县人民政府,government\n"
	if r := admin.postMultipart("/admin/library", map[string]string{"kind": "roster", "name": "测试名单"}, "file", "r.csv", []byte(roster)); r.StatusCode != http.StatusOK {
		t.Fatalf("roster: %d %s", r.StatusCode, r.body)
	}
	page := li.get("/batches")
	i := strings.Index(page.body, `value="stored:`)
	if i < 0 || !strings.Contains(page.body, "测试名单") {
		t.Fatalf("the new-batch form does not offer the stored profile and roster")
	}
	ref := page.body[i+len(`value="`) : i+len(`value="`)+strings.Index(page.body[i+len(`value="`):], `"`)]
	r := li.postMultipart("/batches", map[string]string{"name": "用细则", "year": "2019", "profile": ref, "roster_ref": "测试名单"}, "", "", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, r.body)
	}
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/batches/%d", &id); err != nil {
		t.Fatal(err)
	}
	seed, _ := os.ReadFile("../testdata/seeds/001_1dc63dd6a21548ca.txt")
	li.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"jinghai.txt": seed}, "")
	li.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil)
	if b := e.waitDone(id); b.State != "done" {
		t.Fatalf("batch: %+v", b)
	}
	out := li.results(id)
	if len(out.Reports) != 1 || out.Reports[0].ScoringProfile != "city-rubric" {
		t.Fatalf("scored by %q, not the stored profile", out.Reports[0].ScoringProfile)
	}
	ov := li.get(fmt.Sprintf("/batches/%d/overview", id))
	if !strings.Contains(ov.body, "某某县人民政府") {
		t.Fatal("the overview does not name the roster's missing body")
	}
}
