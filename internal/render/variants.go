package render

import (
	"math/rand"
	"strconv"

	"github.com/ogi-checker/ogi/schema"
)

// Variant is a way published reports fill their tables that the complete
// sample documents do not show. Every change it makes is a cell of the
// returned document, so the document itself is the truth of what each
// rendered cell should read as.
type Variant struct {
	// BlankLegalPerson leaves the five 法人或其他组织 columns of table 3
	// empty, as many PDFs do when only natural persons applied.
	BlankLegalPerson bool
	// Sparse makes most table cells 0 or blank and a few multi-digit
	// (258, 12), so that a reader cannot rely on a full grid of digits.
	Sparse bool
	// CircleZero writes some zeros as 〇, which is 0.
	CircleZero bool
	// Attachment writes 见附件 into a few cells: text, not a number.
	Attachment bool
}

// Some reports write 〇 for a zero; the cell is still the number 0.
const (
	CircleZero = "〇"
	Attachment = "见附件"
)

// legalPerson are the table-3 columns under 法人或其他组织.
var legalPerson = []string{"commercial", "research", "social_welfare", "legal_service", "other_org"}

// ApplyVariant returns a copy of base with v applied; the same seed gives
// the same document. Only tables change: the narrative keeps its numbers,
// so narrative checks may fire on the result (the rendered corpus grades
// cells, not findings).
func ApplyVariant(base *schema.Document, v Variant, seed int64) *schema.Document {
	doc := cloneDoc(base)
	rng := rand.New(rand.NewSource(seed))
	t := tpl(doc)
	each := func(fn func(table, row, col string, c *schema.Cell)) {
		for _, st := range t.Active {
			for _, r := range st.Rows {
				for _, c := range st.Cols {
					if cell := doc.Tables.Active[st.ID][r.ID][c.ID]; cell != nil {
						fn("active."+st.ID, r.ID, c.ID, cell)
					}
				}
			}
		}
		for _, r := range t.RequestRows {
			for _, c := range t.RequestCols {
				if cell := doc.Tables.Requests[r.ID][c.ID]; cell != nil {
					fn("requests", r.ID, c.ID, cell)
				}
			}
		}
		for _, g := range t.ReviewGroups {
			for _, c := range t.ReviewCols {
				if cell := doc.Tables.ReviewLitigation[g.ID][c.ID]; cell != nil {
					fn("review_litigation", g.ID, c.ID, cell)
				}
			}
		}
	}
	if v.Sparse {
		each(func(_, _, _ string, c *schema.Cell) {
			switch x := rng.Intn(20); {
			case x < 12:
				setNumber(c, 0, "0")
			case x < 16:
				*c = schema.Cell{Status: schema.StatusBlank, Confidence: 1}
			case x < 18:
				n := float64(1 + rng.Intn(9))
				setNumber(c, n, strconv.FormatFloat(n, 'f', -1, 64))
			default:
				n := float64(10 + rng.Intn(990))
				setNumber(c, n, strconv.FormatFloat(n, 'f', -1, 64))
			}
		})
	}
	if v.BlankLegalPerson {
		for _, r := range t.RequestRows {
			for _, col := range legalPerson {
				if c := doc.Tables.Requests[r.ID][col]; c != nil {
					*c = schema.Cell{Status: schema.StatusBlank, Confidence: 1}
				}
			}
		}
	}
	if v.CircleZero {
		each(func(_, _, _ string, c *schema.Cell) {
			if c.Status == schema.StatusNumber && c.Value != nil && *c.Value == 0 && rng.Intn(3) == 0 {
				setNumber(c, 0, CircleZero)
			}
		})
	}
	if v.Attachment {
		// One cell in each of tables 2, 3 and 4, where reports point to an
		// attachment instead of giving the figure.
		var picks [3][]*schema.Cell
		each(func(table, _, _ string, c *schema.Cell) {
			i := 1
			switch table {
			case "requests":
			case "review_litigation":
				i = 2
			default:
				i = 0
			}
			picks[i] = append(picks[i], c)
		})
		for _, cs := range picks {
			if len(cs) > 0 {
				*cs[rng.Intn(len(cs))] = schema.Cell{Raw: Attachment, Status: schema.StatusText, Confidence: 1}
			}
		}
	}
	return doc
}

func setNumber(c *schema.Cell, v float64, raw string) {
	unit := c.Unit
	*c = schema.Cell{Value: &v, Raw: raw, Status: schema.StatusNumber, Unit: unit, Confidence: 1}
}

// Style is how a page is laid out for printing. The zero Style is the
// layout HTML and DOCX write.
type Style struct {
	// NarrowLabels gives the label columns a fixed narrow width, so that
	// long row labels wrap onto several lines as in printed reports.
	NarrowLabels bool
	// Font names the font family for all text, so that a printed PDF
	// embeds the font chosen, not whatever the machine falls back to.
	Font string
}

// String is a short stable tag for file names: the layout, not the font.
func (s Style) String() string {
	if s.NarrowLabels {
		return "narrow-labels"
	}
	return "plain"
}

// String is a short stable tag for file names: blank-legal+sparse.
func (v Variant) String() string {
	s := ""
	add := func(on bool, tag string) {
		if on {
			if s != "" {
				s += "+"
			}
			s += tag
		}
	}
	add(v.BlankLegalPerson, "blank-legal")
	add(v.Sparse, "sparse")
	add(v.CircleZero, "circle-zero")
	add(v.Attachment, "attachment")
	if s == "" {
		return "plain"
	}
	return s
}
