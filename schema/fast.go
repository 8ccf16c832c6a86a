package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The fast validator walks a document's bytes against the embedded schema,
// compiled once into nodes, without building a tree. It exists because the
// full validator costs about 2 ms per document, most of the cost of reading
// canonical JSON as input.
//
// It only ever proves a document valid. Whenever it meets something it does
// not decide exactly as the full validator does (a number that may be an
// integer written as 1.0, an escaped or non-ASCII key, a duplicate key, a
// number too long for float64) it gives up, and Validate asks the full
// validator, which also writes every error message a person reads. So the
// two agree on every document by construction, as long as the fast one never
// accepts what the full one refuses; FuzzFastValidator and
// TestFastAgreesWithFull check that.

// Type bits of a node's "type".
const (
	tNull uint8 = 1 << iota
	tBool
	tObject
	tArray
	tNumber
	tInteger
	tString
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBool, "object": tObject, "array": tArray,
	"number": tNumber, "integer": tInteger, "string": tString,
}

// node is one compiled schema object. Only the keywords the canonical schema
// uses are supported; compiling anything else fails, and then every document
// goes to the full validator.
type node struct {
	types    uint8 // 0: any type
	hasEnum  bool
	enum     []*string // nil element: JSON null
	constStr *string
	pattern  *regexp.Regexp
	min, max *float64
	minItems int
	maxItems int // -1: no limit

	props           map[string]*node
	additionalFalse bool
	required        []string
	items           *node

	ref                 *node
	oneOf, allOf        []*node
	ifN, thenN, elseN   *node
	hasObjectConstraint bool
}

// annotation keywords carry no constraint.
var annotations = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true, "$defs": true}

type compiler struct {
	defs     map[string]any
	compiled map[string]*node
}

func compileFast(raw []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	defs, _ := root["$defs"].(map[string]any)
	c := &compiler{defs: defs, compiled: map[string]*node{}}
	return c.node(root, "#")
}

func (c *compiler) node(v any, at string) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: boolean or non-object schema not supported", at)
	}
	n := &node{maxItems: -1}
	for k, kv := range m {
		var err error
		switch k {
		case "type":
			err = c.types(n, kv)
		case "enum":
			n.hasEnum = true
			arr, ok := kv.([]any)
			if !ok {
				return nil, fmt.Errorf("%s/enum: not an array", at)
			}
			for _, e := range arr {
				switch e := e.(type) {
				case nil:
					n.enum = append(n.enum, nil)
				case string:
					n.enum = append(n.enum, &e)
				default:
					return nil, fmt.Errorf("%s/enum: only strings and null supported", at)
				}
			}
		case "const":
			s, ok := kv.(string)
			if !ok {
				return nil, fmt.Errorf("%s/const: only a string supported", at)
			}
			n.constStr = &s
		case "pattern":
			s, _ := kv.(string)
			n.pattern, err = regexp.Compile(s)
		case "minimum", "maximum":
			num, ok := kv.(json.Number)
			if !ok {
				return nil, fmt.Errorf("%s/%s: not a number", at, k)
			}
			f, perr := strconv.ParseFloat(string(num), 64)
			if perr != nil || strconv.FormatFloat(f, 'f', -1, 64) != string(num) {
				return nil, fmt.Errorf("%s/%s: %s not exact in float64", at, k, num)
			}
			if k == "minimum" {
				n.min = &f
			} else {
				n.max = &f
			}
		case "minItems", "maxItems":
			num, ok := kv.(json.Number)
			i, perr := num.Int64()
			if !ok || perr != nil || i < 0 {
				return nil, fmt.Errorf("%s/%s: not a count", at, k)
			}
			if k == "minItems" {
				n.minItems = int(i)
			} else {
				n.maxItems = int(i)
			}
		case "properties":
			pm, ok := kv.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s/properties: not an object", at)
			}
			n.props = map[string]*node{}
			for name, ps := range pm {
				if n.props[name], err = c.node(ps, at+"/properties/"+name); err != nil {
					return nil, err
				}
			}
		case "additionalProperties":
			b, ok := kv.(bool)
			if !ok {
				return nil, fmt.Errorf("%s/additionalProperties: only a boolean supported", at)
			}
			n.additionalFalse = !b
		case "required":
			arr, _ := kv.([]any)
			for _, r := range arr {
				s, ok := r.(string)
				if !ok {
					return nil, fmt.Errorf("%s/required: not a string", at)
				}
				n.required = append(n.required, s)
			}
		case "items":
			n.items, err = c.node(kv, at+"/items")
		case "$ref":
			n.ref, err = c.ref(kv, at)
		case "oneOf", "allOf":
			arr, ok := kv.([]any)
			if !ok {
				return nil, fmt.Errorf("%s/%s: not an array", at, k)
			}
			for i, s := range arr {
				sn, err := c.node(s, fmt.Sprintf("%s/%s/%d", at, k, i))
				if err != nil {
					return nil, err
				}
				if k == "oneOf" {
					n.oneOf = append(n.oneOf, sn)
				} else {
					n.allOf = append(n.allOf, sn)
				}
			}
		case "if":
			n.ifN, err = c.node(kv, at+"/if")
		case "then":
			n.thenN, err = c.node(kv, at+"/then")
		case "else":
			n.elseN, err = c.node(kv, at+"/else")
		default:
			if !annotations[k] {
				return nil, fmt.Errorf("%s: keyword %q not supported by the fast validator", at, k)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	n.hasObjectConstraint = n.props != nil || n.additionalFalse || len(n.required) > 0
	return n, nil
}

func (c *compiler) types(n *node, v any) error {
	var names []any
	switch v := v.(type) {
	case string:
		names = []any{v}
	case []any:
		names = v
	default:
		return fmt.Errorf("type: %v", v)
	}
	for _, t := range names {
		s, _ := t.(string)
		b, ok := typeBits[s]
		if !ok {
			return fmt.Errorf("type %v not known", t)
		}
		n.types |= b
	}
	return nil
}

func (c *compiler) ref(v any, at string) (*node, error) {
	s, _ := v.(string)
	name, ok := strings.CutPrefix(s, "#/$defs/")
	if !ok || strings.Contains(name, "/") {
		return nil, fmt.Errorf("%s/$ref %q: only #/$defs/<name> supported", at, s)
	}
	if n, ok := c.compiled[name]; ok {
		return n, nil
	}
	def, ok := c.defs[name]
	if !ok {
		return nil, fmt.Errorf("%s/$ref %q: no such definition", at, s)
	}
	// A placeholder first, so that a recursive definition ends.
	n := &node{maxItems: -1}
	c.compiled[name] = n
	got, err := c.node(def, "#/$defs/"+name)
	if err != nil {
		return nil, err
	}
	*n = *got
	return n, nil
}

var (
	fastOnce sync.Once
	fastRoot *node
	fastErr  error
)

func fastSchema() (*node, error) {
	fastOnce.Do(func() { fastRoot, fastErr = compileFast(jsonSchema) })
	return fastRoot, fastErr
}

// provenValid reports whether the fast validator proves doc valid against the
// schema. False means "not proven": the document may still be valid.
func provenValid(doc []byte) bool {
	root, err := fastSchema()
	if err != nil || !json.Valid(doc) {
		return false
	}
	v := walker{data: doc}
	i := v.ws(0)
	end, ok := v.value(root, i)
	return ok && !v.unsure && v.ws(end) == len(doc)
}

// walker walks syntactically valid JSON (json.Valid has checked it).
type walker struct {
	data   []byte
	unsure bool
	keys   [][]byte // the keys of the objects being walked, a stack
}

func (v *walker) ws(i int) int {
	for i < len(v.data) {
		switch v.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// strEnd returns the index after the closing quote of the string at i, and
// whether it is plain: no escape and no byte outside ASCII, so its bytes are
// its value.
func (v *walker) strEnd(i int) (int, bool) {
	plain := true
	for j := i + 1; j < len(v.data); j++ {
		switch c := v.data[j]; {
		case c == '"':
			return j + 1, plain
		case c == '\\':
			plain = false
			j++
		case c >= 0x80:
			plain = false
		}
	}
	return len(v.data), plain
}

func (v *walker) numEnd(i int) int {
	for i < len(v.data) {
		switch c := v.data[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			i++
		default:
			return i
		}
	}
	return i
}

// skip returns the end of the value at i.
func (v *walker) skip(i int) int {
	switch v.data[i] {
	case '"':
		e, _ := v.strEnd(i)
		return e
	case 't', 'n':
		return i + 4
	case 'f':
		return i + 5
	case '{', '[':
		depth := 0
		for j := i; j < len(v.data); j++ {
			switch v.data[j] {
			case '"':
				e, _ := v.strEnd(j)
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(v.data)
	default:
		return v.numEnd(i)
	}
}

func kindOf(c byte) uint8 {
	switch c {
	case '"':
		return tString
	case 't', 'f':
		return tBool
	case 'n':
		return tNull
	case '{':
		return tObject
	case '[':
		return tArray
	default:
		return tNumber
	}
}

// value checks the value at i against n. It returns the value's end and
// whether it is valid; the end is -1 when the value is invalid and was not
// walked to its end.
func (v *walker) value(n *node, i int) (int, bool) {
	kind := kindOf(v.data[i])
	end := -1
	if n.types != 0 {
		ok := n.types&kind != 0
		if !ok && kind == tNumber && n.types&tInteger != 0 {
			end = v.numEnd(i)
			isInt, sure := integer(v.data[i:end])
			if !sure {
				v.unsure = true
				return -1, false
			}
			ok = isInt
		}
		if !ok {
			return -1, false
		}
	}
	switch kind {
	case tString:
		e, ok := v.str(n, i)
		if !ok {
			return -1, false
		}
		end = e
	case tNull:
		if n.constStr != nil || (n.hasEnum && !enumHasNull(n.enum)) {
			return -1, false
		}
		end = i + 4
	case tBool:
		if n.constStr != nil || n.hasEnum {
			return -1, false
		}
		end = v.skip(i)
	case tNumber:
		if n.constStr != nil || n.hasEnum {
			return -1, false
		}
		e, ok := v.number(n, i)
		if !ok {
			return -1, false
		}
		end = e
	case tObject:
		if n.constStr != nil || n.hasEnum {
			return -1, false
		}
		if n.hasObjectConstraint {
			e, ok := v.object(n, i)
			if !ok {
				return -1, false
			}
			end = e
		}
	case tArray:
		if n.constStr != nil || n.hasEnum {
			return -1, false
		}
		if n.items != nil || n.minItems > 0 || n.maxItems >= 0 {
			e, ok := v.array(n, i)
			if !ok {
				return -1, false
			}
			end = e
		}
	}
	if n.ref != nil {
		e, ok := v.value(n.ref, i)
		if !ok {
			return -1, false
		}
		end = e
	}
	for _, s := range n.allOf {
		e, ok := v.value(s, i)
		if !ok {
			return -1, false
		}
		end = e
	}
	if len(n.oneOf) > 0 {
		matched := 0
		for _, s := range n.oneOf {
			if e, ok := v.value(s, i); ok {
				matched++
				end = e
			}
		}
		if matched != 1 {
			return -1, false
		}
	}
	if n.ifN != nil {
		_, cond := v.value(n.ifN, i)
		branch := n.elseN
		if cond {
			branch = n.thenN
		}
		if branch != nil {
			e, ok := v.value(branch, i)
			if !ok {
				return -1, false
			}
			end = e
		}
	}
	if end < 0 {
		end = v.skip(i)
	}
	return end, true
}

func enumHasNull(enum []*string) bool {
	for _, e := range enum {
		if e == nil {
			return true
		}
	}
	return false
}

// integer reports whether a number literal is an integer, and whether that
// is sure: 1.0 and 1e2 are integers to JSON Schema, and rather than decide
// them here the fast validator gives up.
func integer(lit []byte) (isInt, sure bool) {
	if bytes.ContainsAny(lit, ".eE") {
		return false, false
	}
	return true, true
}

func (v *walker) str(n *node, i int) (int, bool) {
	end, plain := v.strEnd(i)
	if n.pattern == nil && n.constStr == nil && !n.hasEnum {
		return end, true
	}
	raw := v.data[i+1 : end-1]
	if !plain {
		var s string
		if err := json.Unmarshal(v.data[i:end], &s); err != nil {
			v.unsure = true
			return -1, false
		}
		raw = []byte(s)
	}
	if n.constStr != nil && string(raw) != *n.constStr {
		return -1, false
	}
	if n.hasEnum {
		found := false
		for _, e := range n.enum {
			if e != nil && string(raw) == *e {
				found = true
				break
			}
		}
		if !found {
			return -1, false
		}
	}
	if n.pattern != nil && !n.pattern.Match(raw) {
		return -1, false
	}
	return end, true
}

func (v *walker) number(n *node, i int) (int, bool) {
	end := v.numEnd(i)
	if n.min == nil && n.max == nil {
		return end, true
	}
	lit := v.data[i:end]
	// Beyond 15 digits, or with an exponent (-1e-400 is 0 in float64),
	// float64 may round across a bound; the full validator compares
	// exactly.
	if len(lit) > 15 || bytes.ContainsAny(lit, "eE") {
		v.unsure = true
		return -1, false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		v.unsure = true
		return -1, false
	}
	if (n.min != nil && f < *n.min) || (n.max != nil && f > *n.max) {
		return -1, false
	}
	return end, true
}

func (v *walker) object(n *node, i int) (int, bool) {
	base := len(v.keys)
	defer func() { v.keys = v.keys[:base] }()
	i = v.ws(i + 1)
	if v.data[i] == '}' {
		i++
	} else {
		for {
			kEnd, plain := v.strEnd(i)
			if !plain {
				v.unsure = true
				return -1, false
			}
			key := v.data[i+1 : kEnd-1]
			for _, k := range v.keys[base:] {
				if bytes.Equal(k, key) {
					// The full validator sees only the last of
					// duplicate keys; do not guess.
					v.unsure = true
					return -1, false
				}
			}
			v.keys = append(v.keys, key)
			i = v.ws(kEnd)
			i = v.ws(i + 1) // past ':'
			ps := n.props[string(key)]
			var end int
			if ps == nil {
				if n.additionalFalse {
					return -1, false
				}
				end = v.skip(i)
			} else {
				e, ok := v.value(ps, i)
				if !ok {
					return -1, false
				}
				end = e
			}
			i = v.ws(end)
			if v.data[i] == '}' {
				i++
				break
			}
			i = v.ws(i + 1) // past ','
		}
	}
	for _, r := range n.required {
		found := false
		for _, k := range v.keys[base:] {
			if string(k) == r {
				found = true
				break
			}
		}
		if !found {
			return -1, false
		}
	}
	return i, true
}

func (v *walker) array(n *node, i int) (int, bool) {
	i = v.ws(i + 1)
	count := 0
	if v.data[i] == ']' {
		i++
	} else {
		for {
			var end int
			if n.items != nil {
				e, ok := v.value(n.items, i)
				if !ok {
					return -1, false
				}
				end = e
			} else {
				end = v.skip(i)
			}
			count++
			i = v.ws(end)
			if v.data[i] == ']' {
				i++
				break
			}
			i = v.ws(i + 1)
		}
	}
	if count < n.minItems || (n.maxItems >= 0 && count > n.maxItems) {
		return -1, false
	}
	return i, true
}
