package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// TestUnreadable: a scan, an empty file and a text that is not a report are
// refused with an *UnreadableError naming the file and the reason, in both
// languages; none of them is a document to check.
func TestUnreadable(t *testing.T) {
	cases := []struct {
		name string
		file string
		data []byte // used when file is ""
		code string
	}{
		{"scanned PDF (image only)", "scanned.pdf", nil, UnreadableNoText},
		{"0 bytes", "empty.txt", nil, UnreadableEmpty},
		{"only white space", "whitespace.txt", nil, UnreadableEmpty},
		{"news article", "news.txt", nil, UnreadableNotReport},
		{"0-byte file named .pdf", "", nil, UnreadableEmpty},
		{"0-byte file named .docx", "", []byte{}, UnreadableEmpty},
		{"HTML around nothing", "", []byte("<html><body><table><tr><td> </td></tr></table></body></html>"), UnreadableEmpty},
		{"UTF-16 white space", "", []byte{0xff, 0xfe, ' ', 0, '\n', 0}, UnreadableEmpty},
		{"DOCX holding only a picture", "", pictureDOCX(t), UnreadableEmpty},
		{"lorem ipsum", "", []byte("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\nSed do eiusmod tempor.\n"), UnreadableNotReport},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name, data := tc.file, tc.data
			if name != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("..", "testdata", "unreadable", name)); err != nil {
					t.Fatal(err)
				}
			} else {
				name = map[string]string{"0-byte file named .pdf": "x.pdf", "0-byte file named .docx": "x.docx",
					"HTML around nothing": "x.html", "UTF-16 white space": "x.txt", "DOCX holding only a picture": "scan.docx", "lorem ipsum": "lorem.txt"}[tc.name]
			}
			doc, err := Convert(context.Background(), name, data, Options{})
			if doc != nil {
				t.Error("an unreadable input gave a document")
			}
			var ue *UnreadableError
			if !errors.As(err, &ue) {
				t.Fatalf("error %v (%T), want *UnreadableError", err, err)
			}
			if ue.Code != tc.code {
				t.Errorf("code %s, want %s", ue.Code, tc.code)
			}
			if !errors.Is(err, ErrUnreadable) {
				t.Error("errors.Is(err, ErrUnreadable) is false")
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name %s", err, name)
			}
			zh, en := ue.Reason("zh"), ue.Reason("en")
			if zh == "" || en == "" || zh == en || !hasHan(zh) || hasHan(en) {
				t.Errorf("reasons zh %q en %q: want one Chinese, one English", zh, en)
			}
		})
	}
}

// TestReadableStaysReadable: every report in testdata, cut short in several
// ways, and generated reports in every layout are never called unreadable.
// The criterion must err on the side of checking a damaged report.
func TestReadableStaysReadable(t *testing.T) {
	var files []string
	for _, dir := range []string{"seeds", "real"} {
		ms, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, ms...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d testdata reports", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mustRead(t, filepath.Base(f), data)
		if strings.HasSuffix(f, ".pdf") || strings.HasSuffix(f, ".docx") {
			continue
		}
		// Text cut at a quarter, a half and three quarters, and the tail
		// without the beginning (title and first headings gone).
		lines := bytes.SplitAfter(data, []byte("\n"))
		for _, q := range []int{1, 2, 3} {
			cut := len(lines) * q / 4
			mustRead(t, filepath.Base(f)+" head", bytes.Join(lines[:max(cut, 1)], nil))
			mustRead(t, filepath.Base(f)+" tail", bytes.Join(lines[cut:], nil))
		}
	}
	gen, err := render.Generate(seedDocs(t), 12, 7, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gen {
		mustRead(t, g.Name, g.Data)
	}
	// A report that is nothing but its title is a (very) truncated report.
	mustRead(t, "title.txt", []byte("某县人民政府2023年政府信息公开工作年度报告\n"))
	mustRead(t, "heading.txt", []byte("一、总体情况\n本机关认真贯彻落实条例。\n"))
}

// pictureDOCX is a Word file whose one paragraph is a picture: a scan
// pasted into Word.
func pictureDOCX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err == nil {
		_, err = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:drawing/></w:r></w:p></w:body></w:document>`))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustRead(t *testing.T, name string, data []byte) {
	t.Helper()
	if _, err := Convert(context.Background(), name, data, Options{}); err != nil {
		t.Errorf("%s (%d bytes): %v", name, len(data), err)
	}
}

func seedDocs(t *testing.T) []*schema.Document {
	t.Helper()
	var docs []*schema.Document
	for _, s := range []string{"000_80384ef52a1d3930.txt", "002_a141446f969544e3.txt"} {
		docs = append(docs, convertFile(t, seed(s)))
	}
	docs = append(docs, convertFile(t, realFile("template-2021-blank.docx")))
	return docs
}
