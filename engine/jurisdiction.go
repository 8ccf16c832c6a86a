package engine

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"cel.dev/cel-go/common/types"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
)

// jurisdictionFacts is what rules see of the jurisdiction a report is
// assessed in (CEL jurisdiction, Rego input.jurisdiction): the profile's
// rules resolved for the report's body type and year, so that a rule
// compares dates instead of repeating the profile's fallbacks.
type jurisdictionFacts struct {
	profile *jurisdiction.Profile
	// body is the body type the deadline was chosen for.
	body     string
	deadline jurisdiction.Resolved
	year     int
	// threshold is the 内容雷同 threshold in force for the report.
	threshold float64
	// vals are the fields, made once per document.
	vals map[string]any
}

func newJurisdictionFacts(p *jurisdiction.Profile, bodyType string, doc *schema.Document, threshold float64) *jurisdictionFacts {
	if p == nil {
		p = jurisdiction.Statute()
	}
	if bodyType == "" {
		bodyType = jurisdiction.BodyTypeOf(doc.Meta.AgencyKind, doc.Meta.Agency)
	}
	f := &jurisdictionFacts{profile: p, body: bodyType, deadline: p.DeadlineFor(bodyType), threshold: threshold}
	if doc.Meta.Year != nil {
		f.year = *doc.Meta.Year
	}
	if p.SimilarityThreshold > 0 {
		f.threshold = p.SimilarityThreshold
	}
	f.vals = f.fields()
	return f
}

// fields are the facts by name, the same for CEL and Rego.
func (f *jurisdictionFacts) fields() map[string]any {
	d := f.deadline
	bodiesZh, bodiesEn := d.Bodies.Zh, d.Bodies.En
	if f.body == jurisdiction.Unknown {
		// The latest date was taken: the message must say why.
		bodiesZh = "机关类型无法识别，按最晚的期限（" + bodiesZh + "）"
		bodiesEn = "the kind of body cannot be told, so the latest deadline (" + bodiesEn + ")"
	}
	p := f.profile
	return map[string]any{
		"name":                 p.Name,
		"title_zh":             p.Title.Zh,
		"title_en":             p.Title.En,
		"example":              p.Example,
		"body_type":            f.body,
		"deadline":             d.Date(f.year),
		"deadline_zh":          d.DateZh(f.year),
		"deadline_en":          d.DateEn(f.year),
		"deadline_bodies_zh":   bodiesZh,
		"deadline_bodies_en":   bodiesEn,
		"deadline_source_zh":   d.Source.Zh,
		"deadline_source_en":   d.Source.En,
		"filing_required":      p.Filing.Required,
		"filing_to_zh":         p.Filing.To.Zh,
		"filing_to_en":         p.Filing.To.En,
		"filing_source_zh":     p.Filing.Source.Zh,
		"filing_source_en":     p.Filing.Source.En,
		"similarity_threshold": f.threshold,
	}
}

// jurisdictionFieldTypes declares the fields to CEL: a misspelt field
// fails when the pack loads.
func jurisdictionFieldTypes() map[string]field {
	out := map[string]field{}
	for k, v := range (&jurisdictionFacts{profile: jurisdiction.Statute()}).fields() {
		k := k
		var f field
		switch v.(type) {
		case bool:
			f.t = types.BoolType
		case float64:
			f.t = types.DoubleType
		default:
			f.t = types.StringType
		}
		f.get = func(_ *celAdapter, o any) any { return o.(*jurisdictionFacts).vals[k] }
		out[k] = f
	}
	return out
}

// regoValue is input.jurisdiction. A batch has a few distinct values (one
// per profile, body type and year), so each is built once and shared:
// OPA values are immutable. The cache is bounded.
func (f *jurisdictionFacts) regoValue() ast.Value {
	var b strings.Builder
	for _, k := range jurisdictionFieldNames {
		b.WriteString(k)
		b.WriteByte(0)
		switch x := f.vals[k].(type) {
		case bool:
			b.WriteString(strconv.FormatBool(x))
		case float64:
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		case string:
			b.WriteString(x)
		}
		b.WriteByte(0)
	}
	key := b.String()
	if v, ok := jurisdictionValues.Load(key); ok {
		return v.(ast.Value)
	}
	v := f.buildRegoValue()
	if jurisdictionValueCount.Load() < maxJurisdictionValues {
		if prev, loaded := jurisdictionValues.LoadOrStore(key, v); loaded {
			return prev.(ast.Value)
		}
		jurisdictionValueCount.Add(1)
	}
	return v
}

var (
	// jurisdictionFieldNames are the fields in a fixed order, for the key
	// of jurisdictionValues.
	jurisdictionFieldNames = func() []string {
		var ks []string
		for k := range (&jurisdictionFacts{profile: jurisdiction.Statute()}).fields() {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}()
	jurisdictionValues     sync.Map // the fields, as regoValue writes them → ast.Value
	jurisdictionValueCount atomic.Int64
)

const maxJurisdictionValues = 1 << 10

func (f *jurisdictionFacts) buildRegoValue() ast.Value {
	fs := f.vals
	items := make([][2]*ast.Term, 0, len(fs))
	for k, v := range fs {
		var t *ast.Term
		switch x := v.(type) {
		case bool:
			t = ast.BooleanTerm(x)
		case float64:
			t = ast.FloatNumberTerm(x)
		case string:
			t = ast.StringTerm(x)
		}
		items = append(items, ast.Item(inputKey(k), t))
	}
	return ast.NewObject(items...)
}

// dateZh writes a YYYY-MM-DD date as Chinese text (2023年2月5日); anything
// else is returned as it is.
func dateZh(s string) string {
	p := strings.Split(s, "-")
	if len(p) != 3 || len(p[0]) != 4 || len(p[1]) != 2 || len(p[2]) != 2 {
		return s
	}
	return p[0] + "年" + strings.TrimPrefix(p[1], "0") + "月" + strings.TrimPrefix(p[2], "0") + "日"
}

// WithJurisdiction assesses the document under a jurisdiction's profile
// instead of the engine's (Options.Jurisdiction, by default the statute).
func WithJurisdiction(p *jurisdiction.Profile) EvalOption {
	return func(c *evalConfig) { c.related.Jurisdiction = p }
}
