package ingest

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pageHeadBody is the minimal report body put under each page head so that
// the mapper meets a first section: the head is everything above it.
const pageHeadBody = "\n一、总体情况\n本年度政府信息公开工作情况如下。\n"

type pageHeadLabel struct {
	file, title, agency, published string
	year                           int
}

func readPageHeadLabels(t *testing.T) []pageHeadLabel {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "pageheads", "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []pageHeadLabel
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 6 {
			t.Fatalf("labels.tsv:%d: %d fields, want 6", n, len(p))
		}
		y, err := strconv.Atoi(p[3])
		if err != nil {
			t.Fatalf("labels.tsv:%d: year %q", n, p[3])
		}
		out = append(out, pageHeadLabel{file: p[0], title: p[1], agency: p[2], year: y, published: p[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPageHeads: the heads of published report pages (site chrome,
// breadcrumb, title, date line; testdata/pageheads) give the title, agency,
// year and page date a person reads on the page. Breadcrumbs and column
// names are never the title; 成文日期 and the site header's clock are not
// the page's date.
func TestPageHeads(t *testing.T) {
	labels := readPageHeadLabels(t)
	if len(labels) < 30 {
		t.Fatalf("%d labelled heads, want at least 30", len(labels))
	}
	hits := map[string]int{}
	for _, l := range labels {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "pageheads", l.file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Convert(context.Background(), l.file, append(data, pageHeadBody...), Options{})
		if err != nil {
			t.Errorf("%s: %v", l.file, err)
			continue
		}
		m := doc.Meta
		year := 0
		if m.Year != nil {
			year = *m.Year
		}
		published := ""
		if m.PagePublished != nil {
			published = *m.PagePublished
		}
		for _, f := range []struct {
			name      string
			got, want string
		}{
			{"title", compact(m.Title), compact(l.title)},
			{"agency", compact(m.Agency), compact(l.agency)},
			{"year", strconv.Itoa(year), strconv.Itoa(l.year)},
			{"page_published", published, l.published},
		} {
			if f.got == f.want {
				hits[f.name]++
			} else {
				t.Errorf("%s: %s = %q, want %q", l.file, f.name, f.got, f.want)
			}
		}
	}
	for _, f := range []string{"title", "agency", "year", "page_published"} {
		t.Logf("%s: %d/%d", f, hits[f], len(labels))
	}
}
