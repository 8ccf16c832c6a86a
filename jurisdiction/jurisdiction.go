// Package jurisdiction holds the rules of the place a report is assessed
// in: when each kind of body must publish its annual report, whether the
// report is filed (备案) before it is published, and how similar to last
// year's a narrative may be before it counts as 雷同. The statute is the
// default; local profiles are data (YAML), built in as examples or read
// from a file, and fall back to the statute for what they do not set.
package jurisdiction

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/internal/fileread"
)

// Body types a deadline is set for.
const (
	Government = "government" // a people's government's own report
	Department = "department" // a department of a people's government
	Township   = "township"   // a township (乡、镇) or sub-district (街道)
	Unknown    = "unknown"    // the report does not say which
)

// BodyTypes are the body types a profile may set a deadline for.
var BodyTypes = []string{Government, Department, Township}

// StatuteName is the name of the default profile.
const StatuteName = "statute"

// MaxProfileBytes bounds a profile file: a few hundred bytes; the bound
// only stops a device or a runaway file from being read whole.
const MaxProfileBytes = 1 << 20

// Text is a string in Chinese and English.
type Text struct {
	Zh string `yaml:"zh"`
	En string `yaml:"en"`
}

// Profile is one jurisdiction's rules for annual reports.
type Profile struct {
	// Name identifies the profile (--jurisdiction NAME, a manifest's
	// jurisdiction column).
	Name string `yaml:"name"`
	// Title names the jurisdiction for people.
	Title Text `yaml:"title"`
	// Example marks a profile modelled on a published local rule, to be
	// checked against the rule in force before an assessment relies on it.
	Example bool `yaml:"example"`
	// Deadlines by body type (government, department, township); a body
	// type the profile leaves out takes the statute's.
	Deadlines map[string]Deadline `yaml:"deadlines"`
	// Filing, when required, says the report is filed with an office
	// before it is published (先备案后公布).
	Filing Filing `yaml:"filing"`
	// SimilarityThreshold, when set (0–1), is where a narrative's
	// similarity to last year's, or to another body's, becomes 雷同 for
	// reports of this jurisdiction; 0 leaves the batch's threshold.
	SimilarityThreshold float64 `yaml:"similarity_threshold"`

	// File is where the profile was read from ("builtin/yueyang.yaml").
	File   string `yaml:"-"`
	digest string
}

// Deadline is the last day a body type publishes its report for year Y, in
// year Y+1.
type Deadline struct {
	// By is "MM-DD" or "MM-last" (the last day of the month: 2月底).
	By string `yaml:"by"`
	// Bodies names whom the deadline applies to, as the source says it.
	Bodies Text `yaml:"bodies"`
	// Source is the rule that sets it, as an officer would cite it.
	Source Text `yaml:"source"`

	month, day int // day 0: the last of the month
}

// Filing is the 先备案后公布 requirement.
type Filing struct {
	Required bool `yaml:"required"`
	// To is the office the report is filed with.
	To     Text `yaml:"to"`
	Source Text `yaml:"source"`
}

// Error is a profile that cannot be used; it names the file and line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

//go:embed profiles/*.yaml
var builtinFS embed.FS

var builtin = func() map[string]*Profile {
	out := map[string]*Profile{}
	ents, err := builtinFS.ReadDir("profiles")
	if err != nil {
		panic(err) // cannot happen: the directory is embedded
	}
	for _, e := range ents {
		data, err := builtinFS.ReadFile(path.Join("profiles", e.Name()))
		if err != nil {
			panic(err)
		}
		p, err := Parse(path.Join("builtin", e.Name()), data)
		if err != nil {
			panic(err) // a test loads every built-in profile
		}
		out[p.Name] = p
	}
	return out
}()

// Builtin returns the built-in profile with that name.
func Builtin(name string) (*Profile, bool) {
	p, ok := builtin[name]
	return p, ok
}

// Names lists the built-in profiles, sorted.
func Names() []string {
	out := make([]string, 0, len(builtin))
	for n := range builtin {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Statute is the default profile: the deadlines of Art. 49.
func Statute() *Profile { return builtin[StatuteName] }

// Resolve finds a profile by reference: the name of a built-in profile, or
// a YAML file (a path with a separator or a .yaml/.yml suffix), relative
// to dir when dir is not empty and the path is relative.
func Resolve(ref, dir string) (*Profile, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Statute(), nil
	}
	if !isFileRef(ref) {
		if p, ok := builtin[ref]; ok {
			return p, nil
		}
		return nil, fmt.Errorf("jurisdiction %q is not a built-in profile (%s) or a .yaml file", ref, strings.Join(Names(), ", "))
	}
	if dir != "" && !filepath.IsAbs(ref) {
		ref = filepath.Join(dir, ref)
	}
	return Load(ref)
}

func isFileRef(ref string) bool {
	low := strings.ToLower(ref)
	return strings.ContainsAny(ref, `/\`) || strings.HasSuffix(low, ".yaml") || strings.HasSuffix(low, ".yml")
}

// Load reads a profile file.
func Load(file string) (*Profile, error) {
	data, err := fileread.Read(file, MaxProfileBytes)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

var (
	nameRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	byRE       = regexp.MustCompile(`^(\d{2})-(\d{2}|last)$`)
	yamlLineRE = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)`)
	unknownRE  = regexp.MustCompile(`field (\S+) not found in type \S+`)
)

// Parse reads a profile; file names it in errors.
func Parse(file string, data []byte) (*Profile, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErr(file, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty profile"}
	}
	p := &Profile{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlErr(file, err)
	}
	doc := root.Content[0]
	line := func(keys ...string) int { return lineOf(doc, keys...) }
	p.File = file
	if !nameRE.MatchString(p.Name) {
		return nil, &Error{File: file, Line: line("name"), Msg: fmt.Sprintf("name %q must be lower-case letters, digits, - or _", p.Name)}
	}
	if p.Title.Zh == "" {
		return nil, &Error{File: file, Line: line("title"), Msg: "title.zh is required"}
	}
	kinds := make([]string, 0, len(p.Deadlines))
	for k := range p.Deadlines {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		d := p.Deadlines[k]
		if !contains(BodyTypes, k) {
			return nil, &Error{File: file, Line: line("deadlines", k), Msg: fmt.Sprintf("deadline for %q: the body types are %s", k, strings.Join(BodyTypes, ", "))}
		}
		m := byRE.FindStringSubmatch(d.By)
		if m == nil {
			return nil, &Error{File: file, Line: line("deadlines", k, "by"), Msg: fmt.Sprintf("deadlines.%s.by %q must be MM-DD or MM-last (\"02-20\", \"02-last\")", k, d.By)}
		}
		d.month, _ = strconv.Atoi(m[1])
		if m[2] != "last" {
			d.day, _ = strconv.Atoi(m[2])
		}
		// 2001 has no 29 February: a date that is not in every year is
		// refused (02-last says the end of February).
		if t := time.Date(2001, time.Month(d.month), max(d.day, 1), 0, 0, 0, 0, time.UTC); d.month < 1 || d.month > 12 ||
			t.Month() != time.Month(d.month) || t.Day() != max(d.day, 1) {
			return nil, &Error{File: file, Line: line("deadlines", k, "by"), Msg: fmt.Sprintf("deadlines.%s.by %q is not a day of every year", k, d.By)}
		}
		if d.Bodies.Zh == "" || d.Source.Zh == "" {
			return nil, &Error{File: file, Line: line("deadlines", k), Msg: fmt.Sprintf("deadlines.%s needs bodies.zh and source.zh: a message names whom the date binds and where it comes from", k)}
		}
		p.Deadlines[k] = d
	}
	if p.Filing.Required && (p.Filing.To.Zh == "" || p.Filing.Source.Zh == "") {
		return nil, &Error{File: file, Line: line("filing"), Msg: "filing.required needs filing.to.zh and filing.source.zh"}
	}
	if t := p.SimilarityThreshold; t < 0 || t > 1 {
		return nil, &Error{File: file, Line: line("similarity_threshold"), Msg: fmt.Sprintf("similarity_threshold %v is not between 0 and 1", t)}
	}
	sum := sha256.Sum256(append([]byte(file+"\x00"), data...))
	p.digest = hex.EncodeToString(sum[:8])
	return p, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// lineOf finds the line of a key path in a mapping (the key's line).
func lineOf(n *yaml.Node, keys ...string) int {
	line := n.Line
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func yamlErr(file string, err error) error {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		msg := unknownRE.ReplaceAllString(strings.TrimSpace(m[2]), "unknown key $1")
		return &Error{File: file, Line: n, Msg: msg}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// Digest identifies the profile's content, for caches of results.
func (p *Profile) Digest() string {
	if p == nil {
		return ""
	}
	return p.Name + ":" + p.digest
}

// Resolved is the deadline that applies to one body type, with the profile
// it comes from (this one, or the statute for a body type it leaves out).
type Resolved struct {
	Deadline
	// Body is the body type the deadline was chosen for; for Unknown, the
	// latest deadline is taken and Body says whose it is.
	Body string
	From *Profile
}

// DeadlineFor returns the deadline for a body type. A profile without one
// takes the statute's; an unknown body type takes the latest of the
// deadlines, so that a report is never late only because its kind could
// not be told.
func (p *Profile) DeadlineFor(body string) Resolved {
	if p == nil {
		p = Statute()
	}
	if body == Unknown || !contains(BodyTypes, body) {
		var best Resolved
		for _, b := range BodyTypes {
			r := p.DeadlineFor(b)
			if best.From == nil || r.after(best.Deadline) {
				best = r
			}
		}
		return best
	}
	for _, q := range []*Profile{p, Statute()} {
		if d, ok := q.Deadlines[body]; ok {
			return Resolved{Deadline: d, Body: body, From: q}
		}
	}
	return Resolved{Body: body} // cannot happen: the statute sets every body type
}

func (d Deadline) after(o Deadline) bool {
	return d.Date(2001) > o.Date(2001)
}

// Date is the deadline for the report of year as YYYY-MM-DD (in year+1).
func (d Deadline) Date(year int) string {
	t := d.time(year)
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// DateZh is the deadline written as in Chinese text: 2023年2月20日.
func (d Deadline) DateZh(year int) string {
	t := d.time(year)
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// DateEn is the deadline in English: 20 February 2023.
func (d Deadline) DateEn(year int) string {
	t := d.time(year)
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

func (d Deadline) time(year int) time.Time {
	if year <= 0 || d.month == 0 {
		return time.Time{}
	}
	if d.day == 0 {
		// The day before the first of the next month.
		return time.Date(year+1, time.Month(d.month)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(year+1, time.Month(d.month), d.day, 0, 0, 0, 0, time.UTC)
}

// BodyTypeOf tells the body type from the document's agency kind and name:
// a people's government of a township (乡、镇) or a sub-district office
// (街道办事处) is a township, which local rules give their own date.
func BodyTypeOf(kind, agency string) string {
	a := strings.Join(strings.Fields(agency), "")
	for _, s := range []string{"乡人民政府", "镇人民政府", "乡政府", "镇政府", "街道办事处", "街道办"} {
		if strings.HasSuffix(a, s) && (kind == Government || kind == Unknown || kind == "") {
			return Township
		}
	}
	switch kind {
	case Government, Department:
		return kind
	}
	return Unknown
}
