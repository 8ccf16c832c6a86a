package ingest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// pdfWord is one word of `pdftotext -bbox-layout` output, in PDF points
// from the top left corner of its page.
type pdfWord struct {
	x0, y0, x1, y1 float64
	text           string
}

func (w pdfWord) cy() float64 { return (w.y0 + w.y1) / 2 }

// em estimates the font size. Boxes are no guide: poppler takes them from
// the font's ascent and descent, which for some CJK fonts (Chromium's
// output) is two and a half times the size, so that successive lines'
// boxes overlap. A Han character is one em wide, a digit or Latin letter
// about half of one.
func (w pdfWord) em() float64 {
	h := w.y1 - w.y0
	units := 0.0
	for _, r := range w.text {
		switch {
		case r == ' ':
		case r < 0x80:
			units += 0.55
		default:
			units++
		}
	}
	if units == 0 || w.x1 <= w.x0 {
		return maxf(h, 1)
	}
	em := (w.x1 - w.x0) / units
	switch {
	case h >= 1 && em > h:
		em = h
	case em < h/3:
		em = h / 3
	}
	return maxf(em, 1)
}

// pdfPage is a page's size and its words in the order poppler wrote them
// (its reading-order guess, which for tables is scrambled).
type pdfPage struct {
	width, height float64
	words         []pdfWord
}

// maxCoord bounds coordinates: a page is a few thousand points; anything
// beyond is a broken file, and keeping it would make the geometry useless.
const maxCoord = 1e6

// parseBBox reads the XHTML of `pdftotext -bbox-layout` into pages of words.
// Only <page> and <word> matter; <flow>, <block> and <line> are poppler's
// reading-order guesses, which a table's geometry overrides. maxPages and
// maxWords bound the result (0: no bound).
func parseBBox(r io.Reader, maxPages, maxWords int) ([]pdfPage, error) {
	z := html.NewTokenizer(r)
	var pages []pdfPage
	words := 0
	var cur *pdfWord
	var text strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return pages, nil
			}
			return nil, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch string(name) {
			case "page":
				if maxPages > 0 && len(pages) >= maxPages {
					return nil, fmt.Errorf("more than %d pages", maxPages)
				}
				w, _ := coord(attrs["width"])
				h, _ := coord(attrs["height"])
				pages = append(pages, pdfPage{width: w, height: h})
				cur = nil
			case "word":
				if len(pages) == 0 || tt == html.SelfClosingTagToken {
					continue
				}
				var ok [4]bool
				var w pdfWord
				w.x0, ok[0] = coord(attrs["xmin"])
				w.y0, ok[1] = coord(attrs["ymin"])
				w.x1, ok[2] = coord(attrs["xmax"])
				w.y1, ok[3] = coord(attrs["ymax"])
				if !ok[0] || !ok[1] || !ok[2] || !ok[3] || w.x1 < w.x0 || w.y1 < w.y0 {
					cur = nil // a word without a usable box is left out
					continue
				}
				cur = &w
				text.Reset()
			}
		case html.TextToken:
			if cur != nil {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) != "word" || cur == nil {
				continue
			}
			cur.text = strings.TrimSpace(strings.ReplaceAll(text.String(), "\u00a0", " "))
			if cur.text != "" {
				words++
				if maxWords > 0 && words > maxWords {
					return nil, fmt.Errorf("more than %d words", maxWords)
				}
				p := &pages[len(pages)-1]
				p.words = append(p.words, *cur)
			}
			cur = nil
		}
	}
}

// coord parses a coordinate attribute (the tokenizer lower-cases names).
func coord(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < -maxCoord || v > maxCoord {
		return 0, false
	}
	return v, true
}
