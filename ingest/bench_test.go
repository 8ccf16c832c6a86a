package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/internal/render"
)

func benchConvert(b *testing.B, name string, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Convert(context.Background(), name, data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConvert measures conversion of one report per input format; the
// HTML and DOCX inputs are seed 002 rendered by the render package.
func BenchmarkConvert(b *testing.B) {
	seedDoc := convertFile(b, seed("002_a141446f969544e3.txt"))
	docx, err := render.DOCX(seedDoc)
	if err != nil {
		b.Fatal(err)
	}
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	inputs := []struct {
		name string
		data []byte
	}{
		{"text-tab", read(seed("002_a141446f969544e3.txt"))},
		{"text-pipe", read(seed("001_1dc63dd6a21548ca.txt"))},
		{"text-cell-per-line", read(seed("004_cee81fd346254158.txt"))},
		{"text-markdown", read(realFile("shanghai-office-2025.md"))},
		{"text-run-together", read(realFile("pingtan-2019.txt"))},
		{"html", render.HTML(seedDoc)},
		{"docx", docx},
		{"docx-template", read(realFile("template-2021-blank.docx"))},
		{"pdf", read(realFile("huaian-city-2024.pdf"))},
	}
	for _, in := range inputs {
		name := in.name
		ext := map[string]string{"html": ".html", "docx": ".docx", "docx-template": ".docx", "pdf": ".pdf"}[name]
		if ext == "" {
			ext = ".txt"
		}
		b.Run(name, func(b *testing.B) { benchConvert(b, filepath.Base(name)+ext, in.data) })
	}
}

// BenchmarkDOCXTokenize is the floor under DOCX conversion: only unzipping
// word/document.xml of the BenchmarkConvert DOCX and reading its tokens
// with encoding/xml, the library DEVELOPERS.md prescribes for DOCX.
func BenchmarkDOCXTokenize(b *testing.B) {
	docx, err := render.DOCX(convertFile(b, seed("002_a141446f969544e3.txt")))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name != "word/document.xml" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(rc)
			_ = rc.Close()
			if err != nil {
				b.Fatal(err)
			}
			d := xml.NewDecoder(bytes.NewReader(body))
			for {
				if _, err := d.RawToken(); err != nil {
					break
				}
			}
		}
	}
}
