// Package check runs one report through the pipeline: read the input within
// its limits, convert it (ingest), evaluate the rule packs (engine), apply
// waivers, score it, and say what exit code the result implies. A Checker
// is built once from options and is safe to share between goroutines; the
// CLI, a batch (package assess) and a server use the same one.
package check

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// MaxRuleFileBytes bounds one file of a rule pack directory: a rule file
// is a few KB; the bound only stops a device or a runaway file from being
// read whole.
const MaxRuleFileBytes = 4 << 20

// Severities FailOn accepts, lowest first; "never" fails on nothing.
var severityLevel = map[string]int{"info": 1, "warning": 2, "error": 3, "never": 99}

// Options configure a Checker. The zero value checks with the built-in
// pack, default limits, fails on errors and sets no minimum score.
type Options struct {
	// RuleDirs are rule pack directories added to the built-in pack; a
	// rule with a built-in id overrides it.
	RuleDirs []string
	// NoBuiltin leaves the built-in pack out.
	NoBuiltin bool
	// Engine selects and overrides rules and sets the cannot-evaluate
	// severity and the 内容雷同 threshold.
	Engine engine.Options
	// Waivers are the waivers in force (engine.LoadWaivers); each must
	// name a rule of the loaded packs. WaiversFile names their file for
	// errors.
	Waivers     []engine.Waiver
	WaiversFile string
	// FailOn is the lowest severity that fails a report: error (default),
	// warning, info or never.
	FailOn string
	// MinScore, when set, fails a report scoring below it or not scored.
	MinScore *float64
	// Limits bound reading and converting one input; Limits.Timeout covers
	// conversion and evaluation together. Zero: ingest.DefaultLimits.
	Limits ingest.Limits
	// Score is the scoring profile (LoadScoring); nil: the default profile,
	// engine.DefaultScoreConfig. Its rule patterns must name loaded rules.
	Score *engine.ScoreConfig
}

// Checker checks reports with compiled rules.
type Checker struct {
	opts Options
	eng  *engine.Engine
	// local and related are the engine's rules split (engine.Split), for
	// Prepare and Finish.
	local, related []*engine.Rule
	// reviews are the office's decisions by finding identity.
	reviews map[string]Decision
}

// Decision is an office's recorded decision about one finding: the
// identity and value digest of its FindingID, and the review.
type Decision struct {
	Identity, Values string
	Review           engine.Review
}

// WithReviews returns a Checker that applies the decisions to every
// finding it reports: a finding whose identity and cell values match a
// decision carries it (a dismissed one is waived: shown, not deducted, not
// failing); one whose cells changed since is reopened. The receiver is not
// changed.
func (c *Checker) WithReviews(ds []Decision) *Checker {
	cp := *c
	cp.reviews = make(map[string]Decision, len(ds))
	for _, d := range ds {
		cp.reviews[d.Identity] = d
	}
	return &cp
}

// WaiverError is a waiver naming no rule of the loaded packs.
type WaiverError struct {
	File string
	Line int
	Rule string
}

func (e *WaiverError) Error() string {
	return fmt.Sprintf("waivers: %s:%d: rule %q is not a rule id or glob of the loaded packs", e.File, e.Line, e.Rule)
}

// New compiles the rule packs and checks the options. Errors map to exit
// codes with CodeOf: a bad option or a selection, override or waiver that
// names no rule is a configuration error, a rule that does not compile a
// rules error.
func New(o Options) (*Checker, error) {
	if o.FailOn == "" {
		o.FailOn = "error"
	}
	if _, ok := severityLevel[o.FailOn]; !ok {
		return nil, ConfigError(fmt.Errorf("fail on must be error, warning, info or never, not %q", o.FailOn))
	}
	if o.MinScore != nil && (*o.MinScore < 0 || *o.MinScore > 100) {
		return nil, ConfigError(fmt.Errorf("min score must be between 0 and 100, not %v", *o.MinScore))
	}
	if o.Limits == (ingest.Limits{}) {
		o.Limits = ingest.DefaultLimits()
	}
	packs, err := o.packs()
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(packs, o.Engine)
	if err != nil {
		return nil, err
	}
	for _, w := range o.Waivers {
		if !engine.MatchesAny(eng.Loaded(), w.Rule) {
			return nil, ConfigError(&WaiverError{File: o.WaiversFile, Line: w.Line, Rule: w.Rule})
		}
	}
	if o.Score == nil {
		def := engine.DefaultScoreConfig()
		o.Score = &def
	}
	if err := o.Score.CheckRules(eng.Loaded()); err != nil {
		return nil, ConfigError(err)
	}
	c := &Checker{opts: o, eng: eng}
	c.local, c.related = eng.Split()
	return c, nil
}

// packs lists the built-in pack and the rule directories, refusing a
// directory that is not one.
func (o *Options) packs() ([]engine.Pack, error) {
	var packs []engine.Pack
	if !o.NoBuiltin {
		packs = append(packs, engine.Pack{Name: "builtin", FS: rules.FS})
	}
	for _, d := range o.RuleDirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("--rules %s: %w", d, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("--rules %s: not a directory", d)
		}
		packs = append(packs, engine.Pack{Name: d, FS: fileread.DirFS(d, MaxRuleFileBytes)})
	}
	return packs, nil
}

// Engine is the compiled rules, for listing rules or writing SARIF.
func (c *Checker) Engine() *engine.Engine { return c.eng }

// Jurisdiction is the profile reports are assessed under unless their
// Input names another (nil: the statute).
func (c *Checker) Jurisdiction() *jurisdiction.Profile { return c.opts.Engine.Jurisdiction }

// Limits are the limits in force.
func (c *Checker) Limits() ingest.Limits { return c.opts.Limits }

// Input is one report to check, with what a manifest says about it.
type Input struct {
	// File is the report's path, as the user gave it.
	File string
	// Name is how outputs name the report (File when empty): a server
	// keeps uploads under paths of its own but shows the office's names.
	Name string
	// Agency, Kind (government, department or township) and Year replace
	// what the converter read from the report when set. A township is a
	// people's government (its agency_kind) held to the township deadline
	// of the jurisdiction.
	Agency, Kind string
	Year         int
	// Body overrides the identity that pairs a report with the same body's
	// report for the year before (a body renamed between years).
	Body string
	// Jurisdiction, when set, replaces the checker's (Options.Engine.
	// Jurisdiction) for this report: a manifest row's.
	Jurisdiction *jurisdiction.Profile
}

// OutputName is how outputs name the report: Name, else File.
func (in Input) OutputName() string {
	if in.Name != "" {
		return in.Name
	}
	return in.File
}

// Related is what the input says beyond the document for the rules: its
// jurisdiction and body type.
func (in Input) Related() engine.Related {
	r := engine.Related{Jurisdiction: in.Jurisdiction}
	if in.Kind == jurisdiction.Township {
		r.BodyType = jurisdiction.Township
	}
	return r
}

// Result is one checked report.
type Result struct {
	// Report is what the outputs show: findings, score, or why the input
	// gave nothing to check.
	Report report.FileReport
	// Code is the exit code this report implies.
	Code Code
	// Document is the converted report (nil when it could not be read).
	Document *schema.Document
}

// Check reads, converts, evaluates and scores one report within the
// limits. It always returns a Result; for an input that gave nothing to
// check the Result is an unreadable report (exit 3) and the error says why.
func (c *Checker) Check(ctx context.Context, in Input) (Result, error) {
	// One deadline covers conversion and evaluation of the document.
	if c.opts.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Limits.Timeout)
		defer cancel()
	}
	doc, err := c.Convert(ctx, in)
	if err != nil {
		return Failed(in.OutputName(), err), err
	}
	return c.CheckDocument(ctx, in.OutputName(), doc, in.Related())
}

// Convert reads and converts one input and applies what its manifest says.
func (c *Checker) Convert(ctx context.Context, in Input) (*schema.Document, error) {
	data, err := ReadInput(in.File, c.opts.Limits)
	if err != nil {
		return nil, err
	}
	return c.ConvertBytes(ctx, in, data)
}

// ConvertBytes converts an input already read (a batch reads it once to
// hash it).
func (c *Checker) ConvertBytes(ctx context.Context, in Input, data []byte) (*schema.Document, error) {
	doc, err := ingest.Convert(ctx, in.File, data, ingest.Options{Limits: c.opts.Limits})
	if err != nil {
		return nil, err
	}
	in.Apply(doc)
	return doc, nil
}

// Apply sets what a manifest says about a report (a manifest knows the
// body better than the title line does).
func (in Input) Apply(doc *schema.Document) {
	if in.Agency != "" {
		doc.Meta.Agency = in.Agency
	}
	switch in.Kind {
	case "":
	case jurisdiction.Township:
		doc.Meta.AgencyKind = jurisdiction.Government
	default:
		doc.Meta.AgencyKind = in.Kind
	}
	if in.Year != 0 {
		y := in.Year
		doc.Meta.Year = &y
	}
}

// CheckDocument evaluates, waives and scores a converted report with what a
// batch knows about it (last year's report, peers). The error is set when
// the rules could not finish (the time limit): the Result is then an
// unreadable report.
func (c *Checker) CheckDocument(ctx context.Context, file string, doc *schema.Document, rel engine.Related) (Result, error) {
	res, err := c.eng.Evaluate(ctx, doc, engine.WithRelated(rel))
	if err != nil {
		err = fmt.Errorf("%s: checking took longer than %v: %w", file, c.opts.Limits.Timeout, err)
		return Failed(file, err), err
	}
	return c.conclude(file, doc, engine.FactsOf(doc), res), nil
}

// Prepared is a report evaluated by the rules that read only the document
// (Checker.Prepare), with what concluding its check reads of the
// document: a batch prepares a report while it holds the document and
// finishes it once it knows the peers, without the document.
type Prepared struct {
	meta  schema.Meta
	facts engine.DocFacts
	local *engine.Partial
}

// Prepare evaluates doc with the rules that read only the document and
// its jurisdiction (rel's; its previous report and peers are not read).
// The error is the time limit's, as CheckDocument's.
func (c *Checker) Prepare(ctx context.Context, file string, doc *schema.Document, rel engine.Related) (*Prepared, error) {
	rel.Previous, rel.Peers = nil, nil
	res, err := c.eng.Evaluate(ctx, doc, engine.WithRelated(rel), engine.WithRules(c.local...))
	if err != nil {
		return nil, fmt.Errorf("%s: checking took longer than %v: %w", file, c.opts.Limits.Timeout, err)
	}
	return &Prepared{meta: doc.Meta, facts: engine.FactsOf(doc), local: engine.Compact(c.local, res)}, nil
}

// Size is about how many bytes p holds on the heap: its meta, facts and
// the allocations' rounding are 1,600 over the generated reports (3.2 KB
// in all, measured with the documents dropped).
func (p *Prepared) Size() int { return 1500 + p.local.Size() }

// preparedHead is what of a Prepared AppendBinary writes as JSON.
type preparedHead struct {
	Meta  schema.Meta     `json:"meta"`
	Facts engine.DocFacts `json:"facts"`
}

// AppendBinary appends p to b as Checker.ReadPrepared reads it: a batch
// writes the prepared reports its memory has no room for to a file, which
// costs a fraction of reading the document back and checking it again.
// It fails for an evaluation JSON cannot hold (engine.Partial).
func (p *Prepared) AppendBinary(b []byte) ([]byte, error) {
	head, err := json.Marshal(preparedHead{Meta: p.meta, Facts: p.facts})
	if err != nil {
		return b, err
	}
	b = binary.AppendUvarint(b, uint64(len(head)))
	return p.local.AppendBinary(append(b, head...))
}

// ReadPrepared is the Prepared that AppendBinary wrote to b, with this
// Checker's rules (those of the Checker that prepared it). It keeps b.
func (c *Checker) ReadPrepared(b []byte) (*Prepared, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, errors.New("a prepared report is cut short")
	}
	var head preparedHead
	if err := json.Unmarshal(b[k:k+int(n)], &head); err != nil {
		return nil, fmt.Errorf("a prepared report: %w", err)
	}
	local, err := engine.ReadPartial(c.local, b[k+int(n):])
	if err != nil {
		return nil, err
	}
	return &Prepared{meta: head.Meta, facts: head.Facts, local: local}, nil
}

// Finish evaluates the rules a prepared report left (those that read the
// previous report or the peers) with rel, and concludes the check: the
// Result is CheckDocument's on the whole document with rel, without the
// document. rel's jurisdiction and body type must be those it was prepared
// with. engine.ErrNeedsDocument says a rule needs the document itself (or
// rel has a previous report): CheckDocument is then the way.
func (c *Checker) Finish(ctx context.Context, file string, p *Prepared, rel engine.Related) (Result, error) {
	cross, err := c.eng.EvaluateMeta(ctx, p.meta, rel, c.related)
	if errors.Is(err, engine.ErrNeedsDocument) {
		return Result{}, err
	}
	if err != nil {
		err = fmt.Errorf("%s: checking took longer than %v: %w", file, c.opts.Limits.Timeout, err)
		return Failed(file, err), err
	}
	local, err := p.local.Result()
	if err != nil {
		return Result{}, fmt.Errorf("%w (%v)", engine.ErrNeedsDocument, err)
	}
	r := c.conclude(file, &schema.Document{Meta: p.meta}, p.facts, c.eng.Merge(local, cross))
	r.Report.Document, r.Document = nil, nil
	return r, nil
}

// conclude waives, identifies and scores an evaluation of doc, of which it
// reads only the meta beyond facts.
func (c *Checker) conclude(file string, doc *schema.Document, facts engine.DocFacts, res *engine.Result) Result {
	engine.ApplyWaivers(res.Findings, filepath.ToSlash(file), doc, c.opts.Waivers)
	c.identify(res.Findings, doc)
	score := c.eng.ScoreFacts(&doc.Meta, facts, res, *c.opts.Score)
	fr := report.NewFileReport(filepath.ToSlash(file), doc, res, score)
	code := ExitOK
	for _, rr := range res.Rules {
		if rr.Status == engine.StatusError {
			code = code.Worse(ExitRules)
		}
	}
	for _, f := range fr.Findings {
		if c.Fails(f) {
			code = code.Worse(ExitCompliance)
		}
	}
	if c.BelowMinScore(fr) {
		code = code.Worse(ExitCompliance)
	}
	return Result{Report: fr, Code: code, Document: doc}
}

// identify gives every finding its ID and applies the recorded decisions.
func (c *Checker) identify(fs []engine.Finding, doc *schema.Document) {
	year := 0
	if doc.Meta.Year != nil {
		year = *doc.Meta.Year
	}
	body := schema.BodyKey(doc.Meta.Agency)
	for i := range fs {
		fs[i].ID = engine.FindingID(fs[i], body, year)
	}
	ApplyDecisions(fs, c.reviews)
}

// ApplyDecisions gives findings that have IDs the decisions in force, by
// identity: a finding whose cell values match its decision carries it (a
// dismissed one is waived), one whose cells changed since is reopened.
// A review the findings had before is replaced, and the waiver an earlier
// dismissal gave is taken back, so that results kept from an earlier run
// show the decisions as they are now (a server shows decisions made after
// its run).
func ApplyDecisions(fs []engine.Finding, ds map[string]Decision) {
	for i := range fs {
		f := &fs[i]
		if old := f.Review; old != nil {
			if old.Verdict == engine.VerdictDismissed && f.Waived && f.WaiverReason == dismissedReason(*old) {
				f.Waived, f.WaiverReason = false, ""
			}
			f.Review = nil
		}
		if f.ID == "" {
			continue
		}
		identity, values := engine.SplitFindingID(f.ID)
		d, ok := ds[identity]
		if !ok {
			continue
		}
		r := d.Review
		if d.Values != values {
			// The cells changed since the decision: it no longer holds.
			// Who was responsible and by when stay, so that the office
			// sees whose 整改 to look at again.
			r = engine.Review{Verdict: engine.VerdictReopened, Was: d.Review.Verdict, By: d.Review.By, At: d.Review.At,
				Owner: d.Review.Owner, Due: d.Review.Due}
		}
		f.Review = &r
		if r.Verdict == engine.VerdictDismissed && !f.Waived {
			f.Waived = true
			f.WaiverReason = dismissedReason(r)
		}
	}
}

// dismissedReason is how outputs that show waivers show a dismissal (its
// verdict is in the finding's Review).
func dismissedReason(r engine.Review) string {
	s := r.Reason
	if r.By != "" || r.At != "" {
		s += "（" + strings.TrimSpace(r.By+" "+r.At) + "）"
	}
	return s
}

// ReviewsDigest identifies the decisions in force, for a batch's result
// cache: a result computed before a decision must not be reused after.
func (c *Checker) ReviewsDigest() string {
	if len(c.reviews) == 0 {
		return ""
	}
	ids := make([]string, 0, len(c.reviews))
	for id := range c.reviews {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h := sha256.New()
	for _, id := range ids {
		d := c.reviews[id]
		_, _ = fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s", id, d.Values, d.Review.Verdict, d.Review.Reason, d.Review.By, d.Review.At)
		if d.Review.Owner != "" || d.Review.Due != "" {
			// Only then, so that digests of decisions made before owners
			// and due dates existed stay as they were.
			_, _ = fmt.Fprintf(h, "\x00%s\x00%s", d.Review.Owner, d.Review.Due)
		}
		_, _ = fmt.Fprintln(h)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Fails reports whether a finding fails its report: not waived and at or
// above FailOn.
func (c *Checker) Fails(f engine.Finding) bool {
	return !f.Waived && severityLevel[f.Severity] >= severityLevel[c.opts.FailOn]
}

// BelowMinScore reports whether a checked report fails MinScore: it scores
// below the bar or has no score at all.
func (c *Checker) BelowMinScore(fr report.FileReport) bool {
	m := c.opts.MinScore
	return m != nil && !fr.IsUnreadable() && (fr.Score == nil || *fr.Score < *m)
}

// Failed is the result of an input that gave nothing to check: an input
// error (exit 3), never a compliance result.
func Failed(file string, err error) Result {
	return Result{Report: UnreadableReport(file, UnreadableCode(err), err.Error()), Code: ExitInput}
}

// UnreadableCode classifies why an input gave nothing to check.
func UnreadableCode(err error) string {
	var ue *ingest.UnreadableError
	switch {
	case errors.As(err, &ue):
		return ue.Code
	case errors.Is(err, context.DeadlineExceeded):
		return report.UnreadableTimeout
	}
	return report.UnreadableInput
}

// UnreadableReport builds the report from the reason code alone, so that a
// batch can keep the code and a store can keep it across runs.
func UnreadableReport(file, code, detail string) report.FileReport {
	var reason engine.Text
	switch code {
	case report.UnreadableTimeout:
		reason = engine.Text{Zh: "转换或检查超过时间限制", En: "conversion or checking took longer than the time limit"}
	case report.UnreadableInput:
		reason = engine.Text{Zh: "文件无法打开或转换", En: "the file could not be opened or converted"}
	default:
		zh, en := ingest.UnreadableReason(code)
		reason = engine.Text{Zh: zh, En: en}
	}
	return report.NewUnreadableReport(filepath.ToSlash(file), code, reason, detail)
}

// ReadInput reads a report file within the size limit: only regular files
// (a device, FIFO or socket is refused by its mode, a symlink judged by its
// target), read through the limit.
func ReadInput(path string, lim ingest.Limits) ([]byte, error) {
	data, err := fileread.Read(path, lim.MaxFileBytes)
	if err != nil {
		var fe *fileread.Error
		if errors.As(err, &fe) {
			return nil, &ingest.InputError{File: path, Reason: fe.Reason, Err: fe.Err}
		}
		return nil, &ingest.InputError{File: path, Reason: "cannot read", Err: err}
	}
	return data, nil
}

// RulesDigest hashes every rule file the checker loaded (built-in and rule
// directories), by path and content: a stored result is reused only for
// the same rules.
func (c *Checker) RulesDigest() (string, error) {
	h := sha256.New()
	packs, err := c.opts.packs()
	if err != nil {
		return "", err
	}
	for _, p := range packs {
		err := fs.WalkDir(p.FS, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(p.FS, name)
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(h, "%s/%s %d\n", p.Name, name, len(b))
			_, _ = h.Write(b)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// ConfigDigest hashes the options that change a report's result; extra is
// what the caller adds (the report language of stored messages).
func (c *Checker) ConfigDigest(extra ...string) string {
	o := c.opts
	minScore, minSet := 0.0, o.MinScore != nil
	if minSet {
		minScore = *o.MinScore
	}
	b, _ := json.Marshal(struct {
		Lang, FailOn, CannotEvaluate string
		MinScore                     float64
		MinScoreSet                  bool
		Enable, Disable              []string
		Overrides                    map[string]engine.Override
		Waivers                      []engine.Waiver
		Limits                       ingest.Limits
		Similarity                   float64
		Jurisdiction                 string
		Today                        string
		Reviews                      string
		Scoring                      *engine.ScoreConfig
	}{firstOr(extra), o.FailOn, o.Engine.CannotEvaluateSeverity, minScore, minSet, o.Engine.Enable, o.Engine.Disable,
		o.Engine.Overrides, o.Waivers, o.Limits, o.Engine.SimilarityThreshold, o.Engine.Jurisdiction.Digest(), c.today(), c.ReviewsDigest(), o.Score})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:32]
}

func firstOr(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

// today is part of the configuration when waivers expire: a result
// computed before a waiver expired must not be reused after.
func (c *Checker) today() string {
	for _, w := range c.opts.Waivers {
		if w.Expires != "" {
			return time.Now().Format("2006-01-02")
		}
	}
	return ""
}

// ConvertFile reads and converts one file within lim (zero: the default
// limits), for commands that convert without checking.
func ConvertFile(ctx context.Context, path string, lim ingest.Limits) (*schema.Document, error) {
	if lim == (ingest.Limits{}) {
		lim = ingest.DefaultLimits()
	}
	data, err := ReadInput(path, lim)
	if err != nil {
		return nil, err
	}
	return ingest.Convert(ctx, path, data, ingest.Options{Limits: lim})
}
