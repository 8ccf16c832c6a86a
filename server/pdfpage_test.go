package server

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/account"
)

// TestPDFPageBoxesCell: a finding on a PDF report opens the page it was
// read from with the cell boxed where its figure occurs once, and says so
// where it does not.
func TestPDFPageBoxesCell(t *testing.T) {
	for _, bin := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skip("no " + bin)
		}
	}
	e := newEnv(t, nil)
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	id := c.createBatch(2024)
	pdf, err := os.ReadFile("../testdata/real/hongze-district-2024.pdf")
	if err != nil {
		t.Fatal(err)
	}
	txt, err := os.ReadFile("../testdata/seeds/002_a141446f969544e3.txt")
	if err != nil {
		t.Fatal(err)
	}
	c.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"hongze.pdf": pdf, "seed.txt": txt}, "")
	c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil)
	e.waitDone(id)
	out := c.results(id)
	var fid string
	page, idx := 0, -1
	for i, fr := range out.Reports {
		for _, f := range fr.Findings {
			if f.Rule == "narrative.requests" && len(f.Cells) > 0 && f.Cells[0].Source != nil && f.Cells[0].Source.Page > 0 {
				fid, page, idx = f.ID, f.Cells[0].Source.Page, i
			}
		}
	}
	if fid == "" {
		t.Fatal("no narrative.requests finding with a page on the PDF")
	}
	r := c.get(fmt.Sprintf("/batches/%d/reports/%d/pages/%d?finding=%s", id, idx, page, fid))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", r.StatusCode)
	}
	// 95 (twice on the page) and 0 (77 times) are both found by their row
	// label and the 总计 header above them: the rightmost column, rows 一
	// and 二 one under the other.
	boxes := regexp.MustCompile(`class="cellbox" title="([^"]*)" style="position:absolute;left:([\d.]+)%;top:([\d.]+)%`).FindAllStringSubmatch(r.body, -1)
	if len(boxes) != 2 {
		t.Fatalf("want the two cells boxed:\n%s", r.body[strings.Index(r.body, "<main>"):])
	}
	for _, b := range boxes {
		if left, _ := strconv.ParseFloat(b[2], 64); left < 75 || !strings.Contains(b[1], "总计") {
			t.Errorf("box %q at left %s%%: not the 总计 column", b[1], b[2])
		}
	}
	if t0, _ := strconv.ParseFloat(boxes[0][3], 64); t0 < 40 {
		t.Errorf("box at top %v%%: table 3 is in the lower half of page 3", t0)
	}
	img := c.get(fmt.Sprintf("/batches/%d/reports/%d/pages/%d/image", id, idx, page))
	if img.StatusCode != http.StatusOK || !strings.HasPrefix(img.body, "\x89PNG") {
		t.Fatalf("image: %d %q", img.StatusCode, img.body[:min(len(img.body), 8)])
	}
	other := 1 - idx
	if r := c.get(fmt.Sprintf("/batches/%d/reports/%d/pages/1", id, other)); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a text report's page: %d", r.StatusCode)
	}
}
