package brief

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
	"github.com/ogi-checker/ogi/similarity"
)

// minCompareRunes keeps short sections (本年度无其他需要报告的事项。) out of
// the comparison, as the continuity rule does: "nothing to report" twice is
// not copying.
const minCompareRunes = 60

// minPassageRunes is the shortest shared passage quoted, in normalized
// runes: a phrase, not a stock word.
const minPassageRunes = 20

// maxQuoteRunes cuts a quoted passage for the brief, which shows a few of
// them side by side.
const maxQuoteRunes = 80

// SectionOverlap is one narrative section's overlap with last year's.
type SectionOverlap struct {
	ID   string      `json:"id"`
	Name engine.Text `json:"name"`
	// Jaccard is the share of shingles the two texts have in common,
	// rounded to three decimals; nil when either text is too short
	// (Short) or absent (Missing).
	Jaccard *float64 `json:"jaccard"`
	Short   bool     `json:"short,omitempty"`
	Missing bool     `json:"missing,omitempty"`
}

// Overlap is how much of this year's narrative is last year's.
type Overlap struct {
	// Jaccard and Containment are over the narrative sections together;
	// nil when there is too little text to compare.
	Jaccard     *float64 `json:"jaccard"`
	Containment *float64 `json:"containment"`
	// Same: Jaccard reaches the threshold (内容雷同).
	Same     bool             `json:"same"`
	Sections []SectionOverlap `json:"sections"`
	// Passages quotes this year's text that is also in last year's,
	// longest first, each cut to 80 characters.
	Passages []string `json:"passages"`
}

func overlap(this, last *schema.Document, opts Options) Overlap {
	o := Overlap{Sections: []SectionOverlap{}, Passages: []string{}}
	for _, id := range engine.NarrativeSections {
		s := SectionOverlap{ID: id, Name: sectionName(id)}
		a, b := sectionText(this, id), sectionText(last, id)
		switch {
		case a == "" || b == "":
			s.Missing = true
		case len(similarity.Normalize(a)) < minCompareRunes || len(similarity.Normalize(b)) < minCompareRunes:
			s.Short = true
		default:
			s.Jaccard = ptr(round3(similarity.Jaccard(similarity.Shingles(a), similarity.Shingles(b))))
		}
		o.Sections = append(o.Sections, s)
	}
	var a, b string
	if this != nil && last != nil {
		a, b = engine.Narrative(this), engine.Narrative(last)
	}
	if len(similarity.Normalize(a)) < minCompareRunes || len(similarity.Normalize(b)) < minCompareRunes {
		return o
	}
	sa, sb := similarity.Shingles(a), similarity.Shingles(b)
	o.Jaccard = ptr(round3(similarity.Jaccard(sa, sb)))
	o.Containment = ptr(round3(similarity.Containment(sa, sb)))
	o.Same = *o.Jaccard >= opts.Threshold
	for _, p := range similarity.Prepare(a).Passages(b, minPassageRunes, opts.MaxPassages) {
		o.Passages = append(o.Passages, clip(trimFragment(oneLine(p)), maxQuoteRunes))
	}
	return o
}

func sectionName(id string) engine.Text {
	en := map[string]string{"overview": "I. Overview", "problems": "V. Main problems and improvements",
		"other_matters": "VI. Other matters"}[id]
	return engine.Text{Zh: engine.Label("section", id), En: en}
}

// oneLine joins a quoted passage's lines: in Chinese text a line break
// inside a paragraph is the layout's (a PDF's column width), not the
// writer's; a space is kept only between two Latin words or numbers.
func oneLine(s string) string {
	lines := strings.Split(s, "\n")
	out := strings.TrimSpace(lines[0])
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(out)
		first, _ := utf8.DecodeRuneInString(l)
		if out != "" && last < utf8.RuneSelf && first < utf8.RuneSelf {
			out += " "
		}
		out += l
	}
	return out
}

// trimFragment drops the start of the next sentence's number that a
// passage can end on (…工作水平。202): a shingle runs over the sentence end
// into the year that follows.
func trimFragment(s string) string {
	t := strings.TrimRight(s, "0123456789")
	if t != s && strings.HasSuffix(t, "。") {
		return t
	}
	return s
}

// clip cuts s to n runes, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
