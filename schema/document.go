// Package schema defines the canonical ogi document: the one shape every input
// format is converted into and every rule, output and external check reads.
// The JSON Schema describing it is embedded (see Schema) and is the contract;
// the Go types here mirror it.
package schema

// Version is the canonical document's schema version. Bump the minor number
// when fields are added and the major number when a field changes meaning.
const Version = "1.1.0"

// Cell statuses. A placeholder (无, /, -, —, ×) or a blank is never turned into
// a number: rules must be able to tell "0" from "left empty".
const (
	StatusNumber      = "number"
	StatusBlank       = "blank"
	StatusPlaceholder = "placeholder"
	StatusText        = "text"
	StatusMissing     = "missing"
	StatusAmbiguous   = "ambiguous"
)

// Document is a converted annual report.
type Document struct {
	SchemaVersion string       `json:"schema_version"`
	Meta          Meta         `json:"meta"`
	Intro         Intro        `json:"intro"`
	Sections      []Section    `json:"sections"`
	Tables        Tables       `json:"tables"`
	TableInfo     []TableInfo  `json:"table_info"`
	Diagnostics   []Diagnostic `json:"diagnostics"`
}

// Meta is what the converter learnt about the report as a whole.
type Meta struct {
	Title  string `json:"title"`
	Agency string `json:"agency"`
	// AgencyKind classifies the body for deadline and content rules:
	// "government" (a 人民政府 itself), "department", or "unknown".
	AgencyKind string `json:"agency_kind"`
	// Year is the report year, or nil when no year could be found.
	Year *int `json:"year"`
	// Template is "2019" or "2021", detected from the tables' own labels;
	// nil when the document has no recognisable table.
	Template *string `json:"template"`
	// TemplateEvidence says which labels decided the template.
	TemplateEvidence []string `json:"template_evidence"`
	// Published is the 落款 date as YYYY-MM-DD, or nil.
	Published       *string `json:"published"`
	PublishedSource *Loc    `json:"published_source"`
	// PagePublished is the date the web page (or the crawler text of one)
	// says it was posted — 发布时间, 发布日期, a PubDate meta tag — as
	// YYYY-MM-DD; absent when the input states none. It is the page's date,
	// not the report's: a report dated (落款) in January may be posted later.
	PagePublished       *string `json:"page_published,omitempty"`
	PagePublishedSource *Loc    `json:"page_published_source,omitempty"`
	Period              *Period `json:"period"`
	Source              Source  `json:"source"`
}

// Period is the statistics period the report states (统计期限).
type Period struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	Raw  string `json:"raw"`
	Year *int   `json:"year"`
}

// Source describes the input file.
type Source struct {
	File     string `json:"file"`
	Format   string `json:"format"`
	Layout   string `json:"layout"`
	Encoding string `json:"encoding"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Pages    int    `json:"pages,omitempty"`
}

// Intro is the text between the title and the first section heading, where
// reports say what they are based on and which parts they have.
type Intro struct {
	Text   string `json:"text"`
	Source Loc    `json:"source"`
}

// Section is one of the six numbered sections, as found in the document.
type Section struct {
	ID        string `json:"id"`
	Heading   string `json:"heading"`
	Deviation bool   `json:"deviation"`
	Text      string `json:"text"`
	Source    Loc    `json:"source"`
	// EndLine is the last source line that belongs to the section.
	EndLine int `json:"end_line,omitempty"`
}

// Tables holds every table cell by canonical id. Every template cell is
// present; cells the document lacks have status "missing".
type Tables struct {
	// Active is table 2: sub-table id → row id → column id.
	Active map[string]map[string]map[string]*Cell `json:"active"`
	// Requests is table 3: row id → column id.
	Requests map[string]map[string]*Cell `json:"requests"`
	// ReviewLitigation is table 4: group id → column id.
	ReviewLitigation map[string]map[string]*Cell `json:"review_litigation"`
}

// Cell is one numeric table cell.
type Cell struct {
	// Value is the number, or nil for anything that is not one.
	Value *float64 `json:"value"`
	// Raw is the cell text as written (after whitespace trimming).
	Raw    string `json:"raw"`
	Status string `json:"status"`
	// Unit is set on money cells; Value is then in 万元.
	Unit string `json:"unit,omitempty"`
	// Remark keeps annotations such as （其中修订16件）.
	Remark string `json:"remark,omitempty"`
	Source *Loc   `json:"source"`
	// Confidence is 1 for a cell read from a clearly delimited source (or
	// cut out of run-together digits that have one possible cut), 0.95 for
	// the only reading of run-together digits that breaks the fewest table
	// identities, and lower when the converter had to guess (alignment,
	// tied readings). Below 0.95 a failing check needs review.
	Confidence float64 `json:"confidence"`
	// Candidates lists possible values of an ambiguous cell.
	Candidates []float64 `json:"candidates,omitempty"`
	// Digits is set on cells cut out of a run of digits (table cells run
	// together in a crawled page): the readings of the row's run that the
	// converter kept, each the row's values joined by "|". One reading when
	// the cut was certain or the only one breaking the fewest identities;
	// several when readings tie, and the cells that differ are ambiguous.
	Digits []string `json:"digits,omitempty"`
}

// Loc points back into the source. Line is 1-based in the decoded text (or
// in the text extracted from a PDF); Page is 1-based; Table, Row and Col are
// 1-based positions in the source's own table grid when it had one.
type Loc struct {
	Line  int `json:"line,omitempty"`
	Page  int `json:"page,omitempty"`
	Table int `json:"table,omitempty"`
	Row   int `json:"row,omitempty"`
	Col   int `json:"col,omitempty"`
}

// TableInfo says how a canonical table or sub-table was found.
type TableInfo struct {
	// ID is "active.<sub-table>", "requests" or "review_litigation".
	ID string `json:"id"`
	// Status is "found", "partial" (some rows missing) or "missing".
	Status string `json:"status"`
	Source *Loc   `json:"source"`
	// RowsFound and RowsExpected count template rows.
	RowsFound    int `json:"rows_found"`
	RowsExpected int `json:"rows_expected"`
}

// Diagnostic is something the converter could not do, or had to guess.
type Diagnostic struct {
	// Code is a stable identifier such as "table_not_found".
	Code     string `json:"code"`
	Severity string `json:"severity"` // "error", "warning" or "info"
	Message  string `json:"message"`
	Table    string `json:"table,omitempty"`
	Row      string `json:"row,omitempty"`
	Col      string `json:"col,omitempty"`
	// Raw is the cell text the diagnostic is about, when it names a cell.
	Raw    string `json:"raw,omitempty"`
	Source *Loc   `json:"source,omitempty"`
}
