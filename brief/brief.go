// Package brief builds the year-on-year brief of one body (同比简报): its
// report set against the same body's report for the year before. The brief
// answers what an oversight office asks next year: how the key figures of
// tables 3 and 4 moved, how much of the narrative is last year's text, and
// whether 第五部分 says what became of the problems last year's report
// promised to fix.
//
// Three choices are deliberate and documented in the output itself:
//
//   - Small counts give no ratio. A change in percent is given only when
//     last year's figure is at least MinCount, and a correction rate (纠错率)
//     only when its 总计 is at least MinCount (DefaultMinCount, 10): one
//     corrected case out of three is a 33% rate that says nothing. Below it
//     the brief says 样本过少 and shows the counts.
//   - Table 4's rates use the 总计 the report prints, as the table is what
//     the body published; when that total disagrees with the sum of its
//     parts the brief says so in a note.
//   - The follow-up of last year's problems is a heuristic (see FollowUp):
//     wording shared between last year's item and this year's section. It
//     says "mentioned", not "fixed", and shows the shared words and this
//     year's sentence as evidence for a reader to judge.
//
// The output is deterministic: the same two documents give the same bytes.
package brief

import (
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// DefaultMinCount is the smallest count a ratio is computed from.
const DefaultMinCount = 10

// DefaultMaxPassages is how many shared passages of the narrative are quoted.
const DefaultMaxPassages = 3

// Options tune a brief; the zero value takes the defaults.
type Options struct {
	// MinCount is the smallest base for a percent change or a correction
	// rate (DefaultMinCount when 0).
	MinCount int
	// Threshold is the narrative overlap at which the texts count as the
	// same text (engine.DefaultSimilarityThreshold when 0).
	Threshold float64
	// MaxPassages bounds the quoted shared passages (DefaultMaxPassages
	// when 0).
	MaxPassages int
}

func (o Options) withDefaults() Options {
	if o.MinCount <= 0 {
		o.MinCount = DefaultMinCount
	}
	if o.Threshold <= 0 {
		o.Threshold = engine.DefaultSimilarityThreshold
	}
	if o.MaxPassages <= 0 {
		o.MaxPassages = DefaultMaxPassages
	}
	return o
}

// Side names one of the two reports.
type Side struct {
	File   string `json:"file"`
	Agency string `json:"agency"`
	// Year is the report year, 0 when the report states none.
	Year int `json:"year"`
}

// Brief is one body's year-on-year brief.
type Brief struct {
	This Side `json:"this"`
	Last Side `json:"last"`
	// MinCount and Threshold are the guards the brief was built with, so
	// that a reader of the JSON knows why a rate is missing.
	MinCount  int     `json:"min_count"`
	Threshold float64 `json:"similarity_threshold"`
	// Notes are what a reader must know before trusting the figures: years
	// not consecutive, names that differ, table totals that do not add up.
	Notes    []engine.Text `json:"notes"`
	Figures  []Figure      `json:"figures"`
	Rates    []Rate        `json:"rates"`
	Overlap  Overlap       `json:"overlap"`
	FollowUp FollowUp      `json:"follow_up"`
}

// Build compares this year's document with last year's of the same body.
// thisFile and lastFile name the inputs in the brief. It never fails: what
// a document lacks shows as missing figures and notes.
func Build(this, last *schema.Document, thisFile, lastFile string, opts Options) *Brief {
	opts = opts.withDefaults()
	b := &Brief{
		This:      side(this, thisFile),
		Last:      side(last, lastFile),
		MinCount:  opts.MinCount,
		Threshold: opts.Threshold,
		Notes:     []engine.Text{},
	}
	b.Notes = append(b.Notes, pairNotes(b.This, b.Last)...)
	b.Figures = figures(this, last, opts.MinCount)
	var notes []engine.Text
	b.Rates, notes = rates(this, last, opts.MinCount)
	b.Notes = append(b.Notes, notes...)
	b.Overlap = overlap(this, last, opts)
	b.FollowUp = followUp(sectionText(this, "problems"), sectionText(last, "problems"), b.Last.Year)
	return b
}

func side(doc *schema.Document, file string) Side {
	s := Side{File: file}
	if doc == nil {
		return s
	}
	s.Agency = doc.Meta.Agency
	if doc.Meta.Year != nil {
		s.Year = *doc.Meta.Year
	}
	return s
}

func pairNotes(this, last Side) []engine.Text {
	var out []engine.Text
	switch {
	case this.Year == 0 || last.Year == 0:
		out = append(out, engine.Text{Zh: "报告年度无法确定，无法确认两份报告是否为相邻年度。",
			En: "A report year could not be found: the two reports may not be consecutive years."})
	case this.Year != last.Year+1:
		out = append(out, engine.Text{
			Zh: "对比的两份报告不是相邻年度（" + itoa(last.Year) + "年度与" + itoa(this.Year) + "年度）。",
			En: "The two reports are not consecutive years (" + itoa(last.Year) + " and " + itoa(this.Year) + ")."})
	}
	if this.Agency != last.Agency {
		out = append(out, engine.Text{
			Zh: "两份报告署名的机关名称不同（本年“" + this.Agency + "”，上年“" + last.Agency + "”）。",
			En: "The reports name the body differently (this year “" + this.Agency + "”, last year “" + last.Agency + "”)."})
	}
	return out
}

func sectionText(doc *schema.Document, id string) string {
	if doc == nil {
		return ""
	}
	for _, s := range doc.Sections {
		if s.ID == id {
			return s.Text
		}
	}
	return ""
}
