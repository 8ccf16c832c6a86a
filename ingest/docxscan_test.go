package ingest

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/internal/render"
)

// docxZip packs body as the word/document.xml of a zip.
func docxZip(t testing.TB, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// documentXML is the word/document.xml of a DOCX, or nil.
func documentXML(data []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			b, _ := io.ReadAll(rc)
			_ = rc.Close()
			return b
		}
	}
	return nil
}

// sameDOCX holds readDOCX to the decoder's reading of the same zip: the
// same layout or the same error. It reports whether the byte scanner
// read the document itself.
func sameDOCX(t *testing.T, name string, data []byte, lim Limits) bool {
	t.Helper()
	got, gerr := readDOCXWith(data, lim, true)
	want, werr := readDOCXWith(data, lim, false)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Errorf("%s: error %v, want %v", name, gerr, werr)
		return false
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: byte scanner's layout differs from the decoder's", name)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			_, ok, _ := readDOCXFast(f, lim)
			return ok
		}
	}
	return false
}

func smallLimits() Limits {
	l := DefaultLimits()
	l.MaxTextBytes = 40
	l.MaxRowCells = 3
	l.MaxCells = 10
	l.MaxLines = 5
	l.MaxXMLDepth = 6
	l.MaxDOCXUncompressed = 3000
	return l
}

// TestDOCXScanAgrees compares the byte scanner with the decoder on every
// DOCX of the test data, generated reports and hand-made XML, with the
// default limits and with small ones that every document exceeds.
func TestDOCXScanAgrees(t *testing.T) {
	inputs := map[string][]byte{}
	for _, root := range []string{filepath.Join("..", "testdata"), "testdata"} {
		paths, _ := filepath.Glob(filepath.Join(root, "*", "*.docx"))
		more, _ := filepath.Glob(filepath.Join(root, "*", "*", "*.docx"))
		for _, p := range append(paths, more...) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs[p] = data
		}
	}
	gen, err := render.Generate(seedDocs(t), 30, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gen {
		if g.Format == "docx" {
			inputs[g.Name] = g.Data
		}
	}
	const p = `<w:p><w:r><w:t>`
	for name, body := range map[string]string{
		"decl":           `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" + `<w:document><w:body>` + p + `甲</w:t></w:r></w:p></w:body></w:document>`,
		"decl-gbk":       `<?xml version="1.0" encoding="GBK"?><w:body>` + p + `甲</w:t></w:r></w:p></w:body>`,
		"decl-1.1":       `<?xml version="1.1"?><w:body>` + p + `甲</w:t></w:r></w:p></w:body>`,
		"other-pi":       `<?mso-application progid="Word.Document"?><w:body>` + p + `甲</w:t></w:r></w:p></w:body>`,
		"entities":       p + `a &amp; b &lt;c&gt; &apos;&quot;</w:t></w:r></w:p>`,
		"char-ref":       p + `&#20013;&#x4e2d;</w:t></w:r></w:p>`,
		"unknown-entity": p + `&nbsp;x&amp</w:t></w:r></w:p>`,
		"cr":             p + "a\r\nb\rc\r\r\nd</w:t></w:r></w:p>",
		"cr-entity":      p + "a\r&amp;\nb</w:t></w:r></w:p>",
		"comment":        `<!-- x -->` + p + `甲</w:t></w:r></w:p>`,
		"cdata":          p + `<![CDATA[<甲>]]></w:t></w:r></w:p>`,
		"cdata-end":      p + `a]]>b</w:t></w:r></w:p>`,
		"bom":            "\xef\xbb\xbf" + p + `甲</w:t></w:r></w:p>`,
		"bad-utf8":       p + "\xff甲</w:t></w:r></w:p>",
		"control":        p + "\x01甲</w:t></w:r></w:p>",
		"fffe":           p + "\uFFFE</w:t></w:r></w:p>",
		"unclosed":       p + `甲</w:t></w:r></w:p><w:p`,
		"eof-in-attr":    `<w:p a="1`,
		"text-at-end":    p + `甲`,
		"two-colons":     `<a:b:c>` + p + `甲</w:t></w:r></w:p></a:b:c>`,
		"colon-end":      `<a:>` + p + `甲</w:t></w:r></w:p></a:>`,
		"colon-start":    `<:a>` + p + `甲</w:t></w:r></w:p></:a>`,
		"han-name":       `<甲>` + p + `甲</w:t></w:r></w:p></甲>`,
		"digit-name":     `<1a>` + p + `甲</w:t></w:r></w:p></1a>`,
		"space-end-tag":  p + `甲</w:t ></w:r	></w:p` + "\n>",
		"junk-end-tag":   p + `甲</w:t x></w:r></w:p>`,
		"unquoted":       `<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=2/></w:tcPr>` + p + `甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"no-value":       `<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val/></w:tcPr>` + p + `甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"attr-entity":    `<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="re&amp;start"/></w:tcPr>` + p + `甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"attr-lt":        `<w:tbl><w:tr><w:tc a="<">` + p + `甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"attr-no-space":  `<w:tbl><w:tr><w:tc a='1'b="2">` + p + `甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"slash-junk":     `<w:tbl><w:tr><w:tc/ >` + p + `甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"table": `<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2" /><w:vMerge w:val="restart"/></w:tcPr>` + p + `甲</w:t><w:tab/><w:t>乙</w:t></w:r></w:p></w:tc><w:tc>` + p + `1</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:tcPr><w:gridSpan w:val = '2'/><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:delText>x</w:delText><w:instrText>y</w:instrText><w:t xml:space="preserve"> 2 </w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"long-cell":  `<w:tbl><w:tr><w:tc>` + p + strings.Repeat("甲", 30) + `</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"long-run":   p + strings.Repeat("a", 5000) + `</w:t></w:r></w:p>`,
		"many-rows":  strings.Repeat(`<w:tbl>`+strings.Repeat(`<w:tr><w:tc><w:p/></w:tc><w:tc/><w:tc/><w:tc/></w:tr>`, 4)+`</w:tbl>`, 3),
		"many-paras": strings.Repeat(p+`段</w:t></w:r></w:p>`, 8),
		"deep":       strings.Repeat(`<a>`, 8) + p + `甲</w:t></w:r></w:p>` + strings.Repeat(`</a>`, 8),
		"tab-limit":  `<w:tbl><w:tr><w:tc>` + p + strings.Repeat("甲", 13) + `</w:t><w:tab/><w:tab/></w:r></w:p></w:tc></w:tr></w:tbl>`,
		"empty":      ``,
		"text-only":  `甲乙`,
		"lt-alone":   p + `a</w:t></w:r></w:p><`,
		"lt-space":   p + `a</w:t></w:r></w:p>< w:p>`,
		"bang":       `<!DOCTYPE x>` + p + `a</w:t></w:r></w:p>`,
	} {
		inputs["xml/"+name] = docxZip(t, []byte(body))
	}
	fast := 0
	for name, data := range inputs {
		if sameDOCX(t, name, data, DefaultLimits()) && strings.HasPrefix(name, "report-") {
			fast++
		}
		sameDOCX(t, name+" (small limits)", data, smallLimits())
	}
	if fast == 0 {
		t.Fatal("the byte scanner read none of the generated reports")
	}
	t.Logf("%d inputs, %d generated reports read by the byte scanner", len(inputs), fast)
}

// FuzzDOCXScan holds the byte scanner to the decoder on any document.xml.
func FuzzDOCXScan(f *testing.F) {
	seedDoc := convertFile(f, seed("002_a141446f969544e3.txt"))
	if d, err := render.DOCX(seedDoc); err == nil {
		if b := documentXML(d); len(b) > 0 {
			f.Add(b)
			f.Add(b[:len(b)/3])
		}
	}
	for _, s := range []string{`<w:p><w:r><w:t>a &amp; b</w:t></w:r></w:p>`, "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"3\"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>x\r\n</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:b c='d'/>`, `<!-- c --><![CDATA[x]]>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		data := docxZip(t, body)
		sameDOCX(t, "fuzz", data, DefaultLimits())
		sameDOCX(t, "fuzz (small limits)", data, smallLimits())
	})
}

// TestDOCXScanMutations holds the byte scanner to the decoder on
// document.xml mutated at random (a fixed seed): bytes replaced, inserted
// and cut, and markup-like pieces spliced in.
func TestDOCXScanMutations(t *testing.T) {
	d, err := render.DOCX(convertFile(t, seed("002_a141446f969544e3.txt")))
	if err != nil {
		t.Fatal(err)
	}
	body := documentXML(d)
	pieces := []string{"<", ">", "/>", "&", "&amp;", "&lt;", "&#20013;", "\r", "\r\n", "]]>", "<!--", "<![CDATA[", "<?xml ", "?>", `="`, "'", `"`, ":", "w:", "<w:tab/>", "</w:tc>", "<w:tc>", "</w:tr>", "<w:vMerge/>", `<w:gridSpan w:val="2"/>`, "\xff", "\x00", "甲", " "}
	rng := newRand(7)
	n := 3000
	if testing.Short() {
		n = 300
	}
	for k := 0; k < n; k++ {
		b := append([]byte(nil), body...)
		for m := 0; m < 1+rng.Intn(4); m++ {
			i := rng.Intn(len(b))
			switch rng.Intn(4) {
			case 0:
				b[i] = byte(rng.Intn(256))
			case 1:
				b = append(b[:i:i], append([]byte(pieces[rng.Intn(len(pieces))]), b[i:]...)...)
			case 2:
				j := i + rng.Intn(64)
				if j > len(b) {
					j = len(b)
				}
				b = append(b[:i:i], b[j:]...)
			case 3:
				b = b[:i]
			}
			if len(b) == 0 {
				break
			}
		}
		data := docxZip(t, b)
		sameDOCX(t, "mutation", data, DefaultLimits())
		sameDOCX(t, "mutation (small limits)", data, smallLimits())
		if t.Failed() {
			t.Logf("body: %q", b)
			return
		}
	}
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewSource(seed)) }
