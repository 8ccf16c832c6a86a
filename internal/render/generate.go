package render

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"

	"github.com/ogi-checker/ogi/schema"
)

// Generated is one synthetic report: its bytes in some layout, and the
// errors that were put into it on purpose.
type Generated struct {
	Name   string
	Format string // a text layout, "html" or "docx"
	Data   []byte
	Errors []string
}

// GenerateFormats are the layouts Generate writes, in rotation.
var GenerateFormats = []string{LayoutTab, "html", "docx", LayoutPipe, LayoutMarkdown, LayoutCellPerLine}

// Generate writes n reports derived from the base documents, each in one
// of GenerateFormats, with controlled and recorded errors: a table-3 or
// table-4 cell off by some amount, a blank or 无 cell, a dropped row, a
// heading variant, a missing 落款 date. The same seed gives the same
// reports. errRate is the share of reports that get errors.
func Generate(bases []*schema.Document, n int, seed int64, errRate float64) ([]Generated, error) {
	if len(bases) == 0 {
		return nil, fmt.Errorf("no base document")
	}
	rng := rand.New(rand.NewSource(seed))
	out := make([]Generated, 0, n)
	for i := 0; i < n; i++ {
		base := bases[i%len(bases)]
		doc := cloneDoc(base)
		agency := fmt.Sprintf("样例市第%d局", i+1)
		doc.Meta.Agency = agency
		if doc.Meta.Year != nil {
			doc.Meta.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", agency, *doc.Meta.Year)
		}
		var errs []string
		if rng.Float64() < errRate {
			errs = injectErrors(rng, doc, 1+rng.Intn(3))
		}
		format := GenerateFormats[i%len(GenerateFormats)]
		var data []byte
		var err error
		ext := ".txt"
		switch format {
		case "html":
			data, ext = HTML(doc), ".html"
		case "docx":
			data, err = DOCX(doc)
			ext = ".docx"
		default:
			data, err = TextLayout(doc, format)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Generated{Name: fmt.Sprintf("report-%06d%s", i+1, ext), Format: format, Data: data, Errors: errs})
	}
	return out, nil
}

// injectErrors changes k things in doc and says what.
func injectErrors(rng *rand.Rand, doc *schema.Document, k int) []string {
	var errs []string
	numbers := numberCells(doc)
	for j := 0; j < k && len(numbers) > 0; j++ {
		i := rng.Intn(len(numbers))
		c := numbers[i]
		// Each cell is changed once: drop it from the candidates.
		numbers = append(numbers[:i], numbers[i+1:]...)
		switch rng.Intn(6) {
		case 0, 1:
			d := float64(1 + rng.Intn(5))
			v := *c.cell.Value + d
			*c.cell = schema.Cell{Value: &v, Raw: strconv.FormatFloat(v, 'f', -1, 64), Status: schema.StatusNumber, Confidence: 1}
			errs = append(errs, fmt.Sprintf("%s +%g", c.addr, d))
		case 2:
			*c.cell = schema.Cell{Status: schema.StatusBlank, Confidence: 1}
			errs = append(errs, c.addr+" blank")
		case 3:
			*c.cell = schema.Cell{Raw: "无", Status: schema.StatusPlaceholder, Confidence: 1}
			errs = append(errs, c.addr+" 无")
		case 4:
			for i := range doc.Sections {
				if doc.Sections[i].ID == "review_litigation" {
					doc.Sections[i].Heading = "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
					errs = append(errs, "heading review_litigation variant")
				}
			}
		case 5:
			doc.Meta.Published = nil
			errs = append(errs, "no 落款 date")
		}
	}
	sort.Strings(errs)
	return errs
}

type addressed struct {
	addr string
	cell *schema.Cell
}

func numberCells(doc *schema.Document) []addressed {
	var out []addressed
	add := func(table string, m map[string]map[string]*schema.Cell) {
		rows := make([]string, 0, len(m))
		for r := range m {
			rows = append(rows, r)
		}
		sort.Strings(rows)
		for _, r := range rows {
			cols := make([]string, 0, len(m[r]))
			for c := range m[r] {
				cols = append(cols, c)
			}
			sort.Strings(cols)
			for _, c := range cols {
				if cell := m[r][c]; cell != nil && cell.Value != nil {
					out = append(out, addressed{table + "." + r + "." + c, cell})
				}
			}
		}
	}
	add("requests", doc.Tables.Requests)
	add("review_litigation", doc.Tables.ReviewLitigation)
	return out
}

// cloneDoc copies what Generate changes: metadata, sections and cells.
func cloneDoc(d *schema.Document) *schema.Document {
	c := *d
	c.Sections = append([]schema.Section(nil), d.Sections...)
	copyTable := func(m map[string]map[string]*schema.Cell) map[string]map[string]*schema.Cell {
		out := make(map[string]map[string]*schema.Cell, len(m))
		for r, cols := range m {
			out[r] = make(map[string]*schema.Cell, len(cols))
			for k, cell := range cols {
				x := *cell
				out[r][k] = &x
			}
		}
		return out
	}
	c.Tables.Requests = copyTable(d.Tables.Requests)
	c.Tables.ReviewLitigation = copyTable(d.Tables.ReviewLitigation)
	c.Tables.Active = make(map[string]map[string]map[string]*schema.Cell, len(d.Tables.Active))
	for k, t := range d.Tables.Active {
		c.Tables.Active[k] = copyTable(t)
	}
	return &c
}
