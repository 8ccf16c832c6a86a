package ingest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/render"
)

// fuzzLimits keep each fuzz execution small and fast.
func fuzzLimits() Limits {
	l := DefaultLimits()
	l.MaxFileBytes = 1 << 20
	l.MaxDOCXUncompressed = 4 << 20
	l.MaxCells = 20000
	l.MaxLines = 20000
	return l
}

func addCorpus(f *testing.F, exts ...string) {
	for _, dir := range []string{"seeds", "real"} {
		entries, _ := os.ReadDir(filepath.Join("..", "testdata", dir))
		for _, e := range entries {
			for _, ext := range exts {
				if filepath.Ext(e.Name()) == ext {
					data, err := os.ReadFile(filepath.Join("..", "testdata", dir, e.Name()))
					if err == nil {
						f.Add(data)
					}
				}
			}
		}
	}
}

// FuzzReadText: no text input makes the reader or the mapper panic.
func FuzzReadText(f *testing.F) {
	addCorpus(f, ".txt", ".md")
	f.Add([]byte("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"))
	f.Add([]byte("\xff\xfe\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		within(t, func() {
			lay, err := readText(data, fuzzLimits())
			if err != nil {
				return
			}
			Map(lay, sourceFor("f.txt", data))
		})
	})
}

// FuzzReadHTML: no page makes the reader or the mapper panic.
func FuzzReadHTML(f *testing.F) {
	seedDoc := convertFile(f, seed("002_a141446f969544e3.txt"))
	f.Add(render.HTML(seedDoc))
	f.Add([]byte(`<meta charset="gbk"><table><tr><td rowspan="3">a</td><td colspan="2">b</td></tr><tr><td>c</td></tr></table>`))
	f.Add([]byte(`<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table><p>x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		within(t, func() {
			lay, err := readHTML(data, fuzzLimits())
			if err != nil {
				return
			}
			Map(lay, sourceFor("f.html", data))
		})
	})
}

// FuzzReadDOCX: no zip makes the reader or the mapper panic.
func FuzzReadDOCX(f *testing.F) {
	addCorpus(f, ".docx")
	seedDoc := convertFile(f, seed("002_a141446f969544e3.txt"))
	if d, err := render.DOCX(seedDoc); err == nil {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		within(t, func() {
			lay, err := readDOCX(data, fuzzLimits())
			if err != nil {
				return
			}
			Map(lay, sourceFor("f.docx", data))
		})
	})
}

// FuzzConvert runs the whole pipeline with format detection.
func FuzzConvert(f *testing.F) {
	addCorpus(f, ".txt", ".md", ".docx")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Convert(context.Background(), "f", data, Options{Limits: fuzzLimits()})
	})
}

// TestFormFeedBeforeCell is the input the fuzzer found looping for ever: a
// form feed in front of a one-cell-per-line row.
func TestFormFeedBeforeCell(t *testing.T) {
	in := []byte(strings.Repeat("\ta\n\tb\n\n", 10) + "\f\tc\n")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := readText(in, fuzzLimits()); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("readText does not terminate")
	}
}

// within fails the fuzz input when fn runs for more than two seconds: a
// report must never hang the converter.
func within(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("conversion did not finish within 2 s")
	}
}

// FuzzParseBBox: no pdftotext -bbox-layout output, however broken, makes
// the parser, the table geometry or the mapper panic or hang.
func FuzzParseBBox(f *testing.F) {
	// Seeds are single pages with only their <page> and <word> elements:
	// the fuzzer minimises every new input, which for whole documents takes
	// longer than a smoke run.
	reKeep := regexp.MustCompile(`<page[^>]*>|</page>|<word[^>]*>[^<]*</word>`)
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		for _, src := range []struct {
			file string
			page string
		}{{pdfFixture("blank-columns.pdf"), "4"}, {realFile("huaian-city-2024.pdf"), "5"}} {
			out, err := runCapped(context.Background(), bin, []string{"-bbox-layout", "-f", src.page, "-l", src.page, src.file, "-"}, nil, maxPdftotextOutput)
			if err == nil {
				f.Add(bytes.Join(reKeep.FindAll(out, -1), nil))
			}
		}
	}
	f.Add([]byte(`<doc><page width="595" height="842"><word xMin="20" yMin="30" xMax="50" yMax="40">自然人</word>` +
		`<word xMin="60" yMin="30" xMax="90" yMax="40">总计</word><word xMin="20" yMin="50" xMax="30" yMax="60">258</word></page></doc>`))
	f.Add([]byte(`<page><word xMin="-1e6" yMin="1e6" xMax="0" yMax="NaN">信息内容</word><word xMin="1" yMin="1" xMax="1" yMax="1">1</word>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		within(t, func() {
			pages, err := parseBBox(bytes.NewReader(data), 20, 20000)
			if err != nil {
				return
			}
			lay, err := layoutBBox(pages, fuzzLimits())
			if err != nil || lay == nil {
				return
			}
			Map(lay, sourceFor("f.pdf", data))
		})
	})
}
