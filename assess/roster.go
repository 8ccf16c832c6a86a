package assess

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/internal/fileread"
)

// Roster is the list of bodies an office supervises (ogi assess --roster):
// every one of them owes a report each year, so that a body without one
// shows as missing instead of being absent from the outputs.
type Roster struct {
	// File is the roster's path, as errors and outputs name it.
	File   string
	Bodies []RosterBody
}

// Body types of a roster: they decide the statutory deadline.
const (
	BodyGovernment = "government"
	BodyDepartment = "department"
	BodyTownship   = "township"
)

// RosterBody is one line of a roster.
type RosterBody struct {
	// Name is the body as the roster spells it; Parent the body above it
	// ("" at the top), itself on the roster.
	Name, Parent string
	// Type is BodyGovernment, BodyDepartment or BodyTownship.
	Type string
	// URL is where the body publishes its reports (shown for a missing one).
	URL string
	// Aggregate marks a 本行政区域 report: it covers the bodies below it,
	// so its table-3 figures are checked against theirs.
	Aggregate bool
	// Tolerance, with Aggregate, makes the check an equality: the parent's
	// figure equals the sum of its children's within Tolerance. Nil: the
	// parent's figure is at least the sum (it also counts bodies the roster
	// does not list).
	Tolerance *float64
	// Line is the body's line in the roster file.
	Line int

	key    string // bodyKey(Name)
	parent int    // index of Parent in Bodies, -1 at the top
}

// rosterColumns are the columns a roster may have; body and type are
// required.
var rosterColumns = map[string]bool{"body": true, "parent": true, "type": true, "url": true, "aggregate": true, "tolerance": true}

var bodyTypes = map[string]string{
	BodyGovernment: BodyGovernment, "人民政府": BodyGovernment, "政府": BodyGovernment,
	BodyDepartment: BodyDepartment, "部门": BodyDepartment, "政府部门": BodyDepartment,
	BodyTownship: BodyTownship, "乡镇": BodyTownship, "街道": BodyTownship, "乡镇（街道）": BodyTownship,
}

var truthValues = map[string]bool{"": false, "false": false, "no": false, "0": false, "否": false,
	"true": true, "yes": true, "1": true, "是": true}

// ReadRoster reads a roster CSV: a header naming body and type and
// optionally parent, url, aggregate and tolerance, one body a line. Every
// error names the file and line.
func ReadRoster(path string) (*Roster, error) {
	data, err := fileread.Read(path, maxManifestBytes)
	if err != nil {
		return nil, err
	}
	return ParseRoster(path, data)
}

// ParseRoster reads a roster from data; name is the file errors name.
func ParseRoster(name string, data []byte) (*Roster, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // as Excel saves a CSV
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	at := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty roster", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !rosterColumns[h] {
			return nil, at(1, "unknown column %q (columns: body, parent, type, url, aggregate, tolerance)", h)
		}
		if _, dup := col[h]; dup {
			return nil, at(1, "column %q twice", h)
		}
		col[h] = i
	}
	for _, need := range []string{"body", "type"} {
		if _, ok := col[need]; !ok {
			return nil, at(1, "the header has no %s column", need)
		}
	}
	ro := &Roster{File: name}
	byKey := map[string]int{}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		if strings.Join(row, "") == "" {
			continue
		}
		b := RosterBody{Name: get("body"), Parent: get("parent"), URL: get("url"), Line: line, parent: -1}
		if b.Name == "" {
			return nil, at(line, "no body")
		}
		b.key = bodyKey(b.Name)
		if prev, ok := byKey[b.key]; ok {
			return nil, at(line, "body %q is already on line %d", b.Name, ro.Bodies[prev].Line)
		}
		t, ok := bodyTypes[strings.ToLower(get("type"))]
		if !ok {
			return nil, at(line, "type %q must be government, department or township", get("type"))
		}
		b.Type = t
		agg, ok := truthValues[strings.ToLower(get("aggregate"))]
		if !ok {
			return nil, at(line, "aggregate %q must be true or false", get("aggregate"))
		}
		b.Aggregate = agg
		if tol := get("tolerance"); tol != "" {
			v, err := strconv.ParseFloat(tol, 64)
			if err != nil || v < 0 || v != v {
				return nil, at(line, "tolerance %q is not a number of 0 or more", tol)
			}
			if !agg {
				return nil, at(line, "tolerance %q is for an aggregate report (aggregate=true)", tol)
			}
			b.Tolerance = &v
		}
		byKey[b.key] = len(ro.Bodies)
		ro.Bodies = append(ro.Bodies, b)
	}
	if len(ro.Bodies) == 0 {
		return nil, fmt.Errorf("%s: the roster lists no body", name)
	}
	for i := range ro.Bodies {
		b := &ro.Bodies[i]
		if b.Parent == "" {
			continue
		}
		p, ok := byKey[bodyKey(b.Parent)]
		switch {
		case !ok:
			return nil, at(b.Line, "parent %q is not a body of the roster", b.Parent)
		case p == i:
			return nil, at(b.Line, "body %q is its own parent", b.Name)
		}
		b.parent = p
	}
	for i := range ro.Bodies {
		// A chain longer than the roster has gone round a cycle.
		for j, n := ro.Bodies[i].parent, 0; j >= 0; j, n = ro.Bodies[j].parent, n+1 {
			if n > len(ro.Bodies) {
				return nil, at(ro.Bodies[i].Line, "body %q is below itself (its parents go round in a cycle)", ro.Bodies[i].Name)
			}
		}
	}
	return ro, nil
}

// csvError names the file and line of a CSV syntax error.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// children lists, for each body, the bodies whose parent it is, in roster
// order.
func (ro *Roster) children() [][]int {
	out := make([][]int, len(ro.Bodies))
	for i, b := range ro.Bodies {
		if b.parent >= 0 {
			out[b.parent] = append(out[b.parent], i)
		}
	}
	return out
}
