package report

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/engine"
)

// TestSortedZip: entries come out in name order with their contents, a
// large entry goes through a temp file, and the temp files are removed.
func TestSortedZip(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	z := &sortedZip{w: &out, tmpDir: dir}
	// Past the memory bound even deflated: bytes that do not compress,
	// enough that what is still in flight to the entry's deflater
	// (zipChunks+2 chunks at most) leaves more than spillMem deflated.
	noise := make([]byte, spillMem+(zipChunks+2)*zipChunk+spillMem/2)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	big := string(noise)
	contents := map[string]string{
		"xl/worksheets/sheet2.xml": big,
		"[Content_Types].xml":      "<Types/>",
		"xl/workbook.xml":          "<workbook/>",
	}
	for _, name := range []string{"xl/worksheets/sheet2.xml", "xl/workbook.xml", "[Content_Types].xml"} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		// Written in pieces, as a stream writer does.
		s := contents[name]
		for len(s) > 0 {
			n := min(len(s), 4096)
			if _, err := io.WriteString(w, s[:n]); err != nil {
				t.Fatal(err)
			}
			s = s[n:]
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Fatalf("%d temp files before Close, want the large entry's one", len(left))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if string(got) != contents[f.Name] {
			t.Errorf("%s: %d bytes back, want %d", f.Name, len(got), len(contents[f.Name]))
		}
	}
	if want := "[Content_Types].xml xl/workbook.xml xl/worksheets/sheet2.xml"; strings.Join(names, " ") != want {
		t.Errorf("entries %q, want %q", names, want)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Errorf("temp files left behind: %v", left)
	}
}

// TestSortedZipSpills: an entry past the memory bound goes to a temp file
// and reads back whole.
func TestSortedZipSpills(t *testing.T) {
	dir := t.TempDir()
	b := &spillBuffer{dir: dir}
	chunk := bytes.Repeat([]byte{7}, 64<<10)
	for i := 0; i < 2*spillMem/len(chunk)+1; i++ {
		if _, err := b.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if b.file == nil {
		t.Fatal("no temp file past the memory bound")
	}
	r, err := b.reader()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, r)
	if n != b.n || n != int64((2*spillMem/len(chunk)+1)*len(chunk)) {
		t.Fatalf("read back %d bytes, wrote %d", n, b.n)
	}
	if err := b.close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("temp file left behind: %v", left)
	}
}

// TestSheetRows: the rows sheetRows writes are the bytes excelize's stream
// writer writes for the same values, one excelize.Cell of the column's
// style each ("" as nil), as writeSheet wrote them before: text to escape,
// to cut at Excel's limit, to keep white space of, that reads as an
// escaped character, and numbers of every kind.
func TestSheetRows(t *testing.T) {
	long := strings.Repeat("a", excelize.TotalCellChars+10)
	rows := []struct {
		name string
		vals []any
	}{
		{"plain", []any{"报告 a.txt", 2021, 97.5, "", nil}},
		{"escaped", []any{`<b>&"'</b>`, "a\tb\r\nc", "x\x01y\x1fz", "bad \xff utf-8 \xed\xa0\x80", "\uFFFE\uFFFF\uFFFD😀"}},
		{"white space", []any{" lead", "trail ", "\nlf", "tab\t", "\r"}},
		{"bstr", []any{"_x0041_", "a_x005F_x0041_b", "_x005F_", "_xZZZZ_", "_x00d8_ and _x12_"}},
		{"long", []any{long, strings.Repeat("中", excelize.TotalCellChars+1), strings.Repeat("😀", excelize.TotalCellChars/2+1),
			strings.Repeat("中", 20000), strings.Repeat("a", excelize.TotalCellChars-1) + "😀"}},
		{"ints", []any{0, -5, int8(-8), int16(16), int32(1 << 30)}},
		{"more ints", []any{int64(-1 << 62), uint(7), uint8(255), uint16(65535), uint64(1<<64 - 1)}},
		{"floats", []any{0.1, 1e21, math.Copysign(0, -1), float32(0.1), uint32(4e9)}},
		{"not numbers", []any{math.NaN(), math.Inf(1), math.Inf(-1), float32(math.Inf(-1)), true}},
		{"other", []any{false, struct{ A int }{3}, []byte("bytes"), []byte{}, "extra"}},
		{"short row", []any{"only one"}},
		{"long row", []any{"a", "b", "c", "d", "e", "dropped"}},
	}
	styles := []int{0, 1, 2, 3, 0}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for n, r := range rows {
		cells := make([]any, len(styles))
		for i := range cells {
			var v any
			if i < len(r.vals) {
				v = r.vals[i]
			}
			if v == "" {
				v = nil
			}
			cells[i] = &excelize.Cell{StyleID: styles[i], Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, cells); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var wb bytes.Buffer
	if err := f.Write(&wb); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(wb.Bytes()), int64(wb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	sheet, _ := io.ReadAll(rc)
	_, want, _ := strings.Cut(string(sheet), "<sheetData>")
	want, _, _ = strings.Cut(want, "</sheetData>")

	var got bytes.Buffer
	sr := sheetRows{w: &got, row: 2, refs: []string{"A", "B", "C", "D", "E"}, styles: styles}
	for _, r := range rows {
		if err := sr.values(r.vals); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
	}
	if err := sr.flush(); err != nil {
		t.Fatal(err)
	}
	wantRows := strings.SplitAfter(want, "</row>")
	gotRows := strings.SplitAfter(got.String(), "</row>")
	if len(gotRows) != len(wantRows) {
		t.Fatalf("%d rows, want %d", len(gotRows), len(wantRows))
	}
	for i, r := range rows {
		if g, w := gotRows[i], wantRows[i]; g != w {
			t.Errorf("%s:\n got %.400q\nwant %.400q", r.name, g, w)
		}
	}
}

// TestSheetRowsUnsupported: a value excelize would write in a form of its
// own (a date, rich text) is an error, not a cell in another form.
func TestSheetRowsUnsupported(t *testing.T) {
	for _, v := range []any{time.Unix(0, 0), time.Second, []excelize.RichTextRun{{Text: "x"}}, excelize.Cell{Value: 1}} {
		sr := sheetRows{w: io.Discard, row: 2, refs: []string{"A"}, styles: []int{0}}
		if err := sr.values([]any{v}); err == nil {
			t.Errorf("%T: no error", v)
		}
	}
}

// TestSpliceRows: the rows go just before </sheetData> however the sheet
// is cut into writes, and a sheet without one is an error at Close.
func TestSpliceRows(t *testing.T) {
	const sheet = "<worksheet><sheetData><row r=\"1\"></row></sheetData><x/></worksheet>"
	want := strings.Replace(sheet, "</sheetData>", "ROWS</sheetData>", 1)
	for _, cut := range []int{1, 2, 5, 11, 12, 13, len(sheet)} {
		var out bytes.Buffer
		sp := &spliceRows{name: "s", w: &out, rows: func(w io.Writer) error { _, err := io.WriteString(w, "ROWS"); return err }}
		for s := sheet; len(s) > 0; {
			n := min(cut, len(s))
			if k, err := sp.Write([]byte(s[:n])); err != nil || k != n {
				t.Fatalf("cut %d: wrote %d of %d: %v", cut, k, n, err)
			}
			s = s[n:]
		}
		if out.String() != want || !sp.done {
			t.Errorf("cut %d: %q, want %q", cut, out.String(), want)
		}
	}
	for _, name := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet9.xml"} {
		z := &sortedZip{w: io.Discard, tmpDir: t.TempDir(),
			rows: map[string]func(io.Writer) error{name: func(io.Writer) error { return nil }}}
		w, err := z.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, "<worksheet/>"); err != nil {
			t.Fatal(err)
		}
		if err := z.Close(); err == nil {
			t.Errorf("%s: no error for rows with nowhere to go", name)
		}
	}
}

// TestCellNames: the memo names a finding's cells as cellList does, in
// both languages, past cellListMax, and again from the memo.
func TestCellNames(t *testing.T) {
	cell := func(table, row, col string) engine.CellRef { return engine.CellRef{Table: table, Row: row, Col: col} }
	var many []engine.CellRef
	for i := range cellListMax + 3 {
		many = append(many, cell("requests", "new_received", []string{"natural", "total", "business"}[i%3]))
	}
	findings := []engine.Finding{
		{},
		{Cells: []engine.CellRef{cell("requests", "new_received", "total")}},
		{Cells: []engine.CellRef{cell("requests", "new_received", "total"), cell("active.regulations", "made", "")}},
		{Cells: []engine.CellRef{cell("previous.requests", "", "natural"), cell("unknown", "r", "c")}},
		{Cells: many},
		{Cells: many[:cellListMax]},
	}
	for _, lang := range []string{"zh", "en"} {
		c := newCellNames(lang)
		for pass := range 2 {
			for i, f := range findings {
				if got, want := c.list(f), cellList(f, lang); got != want {
					t.Errorf("%s pass %d finding %d: %q, want %q", lang, pass, i, got, want)
				}
			}
		}
	}
}
