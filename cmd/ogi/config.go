package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/report"
)

// Configuration. Each setting is resolved from, in order of precedence:
// command-line flags > OGI_* environment variables > the active profile >
// the project file (--config FILE, else the first .ogi.yaml found walking up
// from the working directory) > the user configuration (OGI_CONFIG, else
// <user config dir>/ogi/config.yaml) > defaults. Files are read with viper;
// ogi resolves the layers itself so that `ogi config show` can say where
// every value came from.

// setting is one configuration key: the .ogi.yaml key, its OGI_* variable
// (OGI_ and the key in capitals) and its flag. The table is the single
// source of the flags' names, defaults and help, so that a flag cannot
// exist without a key or default differently from it.
type setting struct {
	key, flag, help string
	// def is the default; its type is the setting's (string, bool, int,
	// int64, float64, []string or time.Duration).
	def any
	// group says which commands have the flag (see addSettingFlags).
	group string
	// choices are the values a string setting may take (none: any).
	choices []string
	// valid rejects a value of the right type that makes no sense.
	valid func(v any) error
}

// Setting groups: which commands register a setting's flag.
const (
	groupRules  = "rules"  // check, assess, explain, eval: which rules run and how
	groupLimits = "limits" // every command that converts a report
	groupCheck  = "check"  // check and assess: gating, waivers, parallelism
	groupAssess = "assess" // assess only
	groupOutput = "output" // check only, registered with -o in newCheckCmd
)

var defaultLimits = ingest.DefaultLimits()

var settings = []setting{
	{key: "profile", flag: "profile", help: "named profile from the configuration to apply", def: "", group: groupRules},
	{key: "lang", flag: "lang", help: "language of the text report: zh or en", def: "zh", group: groupCheck, choices: []string{"zh", "en"}},
	{key: "csv_encoding", flag: "csv-encoding", help: "encoding of the csv output: utf-8 (with a byte-order mark for Excel when --lang zh) or gb18030", def: "utf-8", group: groupCheck, choices: report.CSVEncodings},
	{key: "format", flag: "format", help: "output format on standard output: text or json (see -o for more)", def: "text", group: groupOutput, choices: []string{"text", "json"}},
	{key: "fail_on", flag: "fail-on", help: "lowest severity that fails the run: error, warning, info or never", def: "error", group: groupCheck, choices: []string{"error", "warning", "info", "never"}},
	{key: "min_score", flag: "min-score", help: "fail when a report scores below this (a report without a score fails too)", def: 0.0, group: groupCheck, valid: between(0, 100)},
	{key: "rules", flag: "rules", help: "add a rule pack directory (repeatable); a rule with a built-in id overrides it", def: []string{}, group: groupRules},
	{key: "no_builtin", flag: "no-builtin", help: "do not load the built-in rule pack", def: false, group: groupRules},
	{key: "enable", flag: "enable", help: "run only these rules: ids, globs or categories (repeatable)", def: []string{}, group: groupRules},
	{key: "disable", flag: "disable", help: "leave these rules out: ids, globs or categories (repeatable)", def: []string{}, group: groupRules},
	{key: "cannot_evaluate_severity", flag: "cannot-evaluate-severity", help: "severity of identities that cannot be evaluated (blank, 无, missing operands)", def: "warning", group: groupRules, choices: []string{"error", "warning", "info"}},
	{key: "jurisdiction", flag: "jurisdiction", help: "jurisdiction profile whose deadlines, filing rule and 雷同 threshold apply: " + strings.Join(jurisdiction.Names(), ", ") + " or a YAML file", def: jurisdiction.StatuteName, group: groupRules, valid: jurisdictionRef},
	{key: "jobs", flag: "jobs", help: "files checked in parallel (0: one per CPU)", def: 0, group: groupCheck, valid: nonNegative},
	{key: "waivers", flag: "waivers", help: "waivers file (default: ./waivers.yaml when present)", def: "", group: groupCheck},
	{key: "no_waivers", flag: "no-waivers", help: "apply no waivers (audit runs)", def: false, group: groupCheck},
	{key: "scoring", flag: "scoring", help: "scoring profile: a built-in name (default, jinzhou-example) or a YAML file", def: "", group: groupCheck},
	{key: "db", flag: "db", help: `SQLite store of documents and results ("" for none)`, def: "ogi.db", group: groupAssess},
	{key: "reviewer", flag: "reviewer", help: "who made the decisions --review reads, recorded with each (default: the login name)", def: "", group: groupAssess},
	{key: "similarity_threshold", flag: "similarity-threshold", help: "narrative similarity (0-1) at which two reports count as the same text (内容雷同)", def: engine.DefaultSimilarityThreshold, group: groupAssess, valid: similarityRange},
	{key: "html_details", flag: "html-details", help: "most reports whose findings and tables the dashboard embeds, lowest scores first (0: all)", def: 5000, group: groupAssess, valid: nonNegative},
	{key: "roster", flag: "roster", help: "roster CSV of the bodies that owe a report (body, parent, type, url, aggregate, tolerance): coverage and parent-vs-children checks", def: "", group: groupAssess},
	{key: "memory_limit", flag: "memory-limit", help: "soft limit of the Go heap in MiB (0: none; GOMEMLIMIT overrides); by default assess adds 1 KiB per report", def: defaultMemoryLimitMiB, group: groupAssess, valid: nonNegative},
	{key: "max_file_size", flag: "max-file-size", help: "largest input file in bytes", def: defaultLimits.MaxFileBytes, group: groupLimits, valid: nonNegative},
	{key: "max_docx_size", flag: "max-docx-size", help: "largest uncompressed word/document.xml in bytes", def: defaultLimits.MaxDOCXUncompressed, group: groupLimits, valid: nonNegative},
	{key: "max_zip_entries", flag: "max-zip-entries", help: "most entries in a DOCX", def: defaultLimits.MaxZipEntries, group: groupLimits, valid: nonNegative},
	{key: "max_xml_depth", flag: "max-xml-depth", help: "deepest element nesting in DOCX or HTML", def: defaultLimits.MaxXMLDepth, group: groupLimits, valid: nonNegative},
	{key: "max_pdf_pages", flag: "max-pdf-pages", help: "most PDF pages converted", def: defaultLimits.MaxPDFPages, group: groupLimits, valid: nonNegative},
	{key: "max_cells", flag: "max-cells", help: "most table cells in one document", def: defaultLimits.MaxCells, group: groupLimits, valid: nonNegative},
	{key: "max_row_cells", flag: "max-row-cells", help: "most cells in one table row", def: defaultLimits.MaxRowCells, group: groupLimits, valid: nonNegative},
	{key: "max_lines", flag: "max-lines", help: "most lines or paragraphs in one document", def: defaultLimits.MaxLines, group: groupLimits, valid: nonNegative},
	{key: "max_text_bytes", flag: "max-text-bytes", help: "longest cell, paragraph or line in bytes", def: defaultLimits.MaxTextBytes, group: groupLimits, valid: nonNegative},
	{key: "timeout", flag: "timeout", help: "time limit per document (conversion and checking)", def: defaultLimits.Timeout, group: groupLimits, valid: nonNegative},
}

func nonNegative(v any) error {
	neg := false
	switch x := v.(type) {
	case int:
		neg = x < 0
	case int64:
		neg = x < 0
	case time.Duration:
		neg = x < 0
	}
	if neg {
		return fmt.Errorf("%v is negative", v)
	}
	return nil
}

func between(lo, hi float64) func(any) error {
	return func(v any) error {
		if x, ok := v.(float64); ok && (x < lo || x > hi) {
			return fmt.Errorf("%v is not between %v and %v", x, lo, hi)
		}
		return nil
	}
}

// jurisdictionRef refuses a profile that is neither built in nor a
// readable, valid file, naming the file and line.
func jurisdictionRef(v any) error {
	_, err := jurisdiction.Resolve(v.(string), "")
	return err
}

func similarityRange(v any) error {
	if x, ok := v.(float64); ok && (x <= 0 || x > 1) {
		return fmt.Errorf("%v is not in (0, 1]", x)
	}
	return nil
}

// settingByFlag finds the setting a flag stands for.
func settingByFlag(name string) (setting, bool) {
	for _, s := range settings {
		if s.flag == name {
			return s, true
		}
	}
	return setting{}, false
}

// settingFlags is the part of a command's flags that stands for the
// settings of the groups, and --config: a command's own flag that shares a
// setting's name (parse --format, the input's format) must not set it.
func settingFlags(all *pflag.FlagSet, groups ...string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(all.Name(), pflag.ContinueOnError)
	all.VisitAll(func(f *pflag.Flag) {
		if s, ok := settingByFlag(f.Name); (ok && slices.Contains(groups, s.group)) || f.Name == "config" {
			fs.AddFlag(f)
		}
	})
	return fs
}

// addSettingFlags registers the flags of the settings in the groups, with
// the table's defaults and help. The flags are not bound to variables: a
// value reaches the options only through loadConfig, which ranks a flag
// above the files and the environment.
func addSettingFlags(f *pflag.FlagSet, groups ...string) {
	for _, s := range settings {
		if !slices.Contains(groups, s.group) {
			continue
		}
		switch d := s.def.(type) {
		case string:
			f.String(s.flag, d, s.help)
		case bool:
			f.Bool(s.flag, d, s.help)
		case int:
			f.Int(s.flag, d, s.help)
		case int64:
			f.Int64(s.flag, d, s.help)
		case float64:
			f.Float64(s.flag, d, s.help)
		case []string:
			f.StringArray(s.flag, nil, s.help)
		case time.Duration:
			f.Duration(s.flag, d, s.help)
		}
	}
}

// mapKeys are nested settings that are maps.
var mapKeys = map[string]bool{"overrides": true, "profiles": true}

// resolvedValue is a setting's effective value and where it came from.
type resolvedValue struct {
	Value  any
	Source string
}

// config is the effective configuration.
type config struct {
	values    map[string]resolvedValue
	overrides map[string]engine.Override
	files     []string
	// entryLines maps "file\x00key\x00pattern" (key enable or disable, or
	// profiles.NAME.enable) to file:line, so that an entry naming no rule
	// can be pointed at.
	entryLines map[string]string
}

// findProjectConfig walks up from dir to the first .ogi.yaml.
func findProjectConfig(dir string) string {
	for {
		p := filepath.Join(dir, ".ogi.yaml")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// projectConfigFile is the project configuration: the --config flag's
// file when given (explicit; "" reads none), else the .ogi.yaml found
// walking up from the working directory.
func projectConfigFile(flags *pflag.FlagSet) (path string, explicit bool) {
	if flags != nil {
		if f := flags.Lookup("config"); f != nil && f.Changed {
			return f.Value.String(), true
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	return findProjectConfig(wd), false
}

// checkConfigFlag reads the --config file, so that a command that uses no
// configuration still refuses a FILE it was told to use and cannot read.
func checkConfigFlag(flags *pflag.FlagSet) error {
	p, explicit := projectConfigFile(flags)
	if !explicit || p == "" {
		return nil
	}
	if _, err := readConfigFile(p); err != nil {
		return fmt.Errorf("--config: %w", err)
	}
	return nil
}

// check applies the setting's choices and validity test to a typed value.
func (s setting) check(v any) error {
	if len(s.choices) > 0 {
		if x, _ := v.(string); !slices.Contains(s.choices, x) {
			return fmt.Errorf("%q is not one of %s", x, strings.Join(s.choices, ", "))
		}
	}
	if s.valid != nil {
		return s.valid(v)
	}
	return nil
}

func userConfigFile() string {
	if p := os.Getenv("OGI_CONFIG"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	p := filepath.Join(dir, "ogi", "config.yaml")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// readConfigFile reads one file with viper and rejects unknown keys.
func readConfigFile(path string) (map[string]any, error) {
	// Rule ids contain dots: keep viper from reading them as nesting.
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType("yaml")
	data, err := fileread.Read(path, maxSideFileBytes)
	if err != nil {
		return nil, err
	}
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	all := v.AllSettings()
	if err := checkKeys(path, "", all); err != nil {
		return nil, err
	}
	return all, nil
}

func known(key string) bool {
	for _, s := range settings {
		if s.key == key {
			return true
		}
	}
	return mapKeys[key]
}

func checkKeys(path, prefix string, m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known(k) {
			return fmt.Errorf("%s: unknown configuration key %q", path, prefix+k)
		}
	}
	if p, ok := m["profiles"].(map[string]any); ok {
		for name, body := range p {
			bm, ok := body.(map[string]any)
			if !ok {
				return fmt.Errorf("%s: profiles.%s must be a mapping", path, name)
			}
			for k := range bm {
				if !known(k) || k == "profiles" || k == "profile" {
					return fmt.Errorf("%s: unknown configuration key %q", path, "profiles."+name+"."+k)
				}
			}
		}
	}
	return nil
}

// loadConfig resolves every setting for a command.
func loadConfig(flags *pflag.FlagSet) (*config, error) {
	cfg := &config{values: map[string]resolvedValue{}, overrides: map[string]engine.Override{}, entryLines: map[string]string{}}
	type layer struct {
		name string
		m    map[string]any
	}
	var layers []layer // lowest precedence first
	if p := userConfigFile(); p != "" {
		m, err := readConfigFile(p)
		if err != nil {
			return nil, err
		}
		layers = append(layers, layer{p, m})
		cfg.files = append(cfg.files, p)
	}
	p, explicit := projectConfigFile(flags)
	if p != "" {
		m, err := readConfigFile(p)
		if err != nil {
			if explicit {
				return nil, fmt.Errorf("--config: %w", err)
			}
			return nil, err
		}
		layers = append(layers, layer{p, m})
		cfg.files = append(cfg.files, p)
	}
	for _, l := range layers {
		recordEntryLines(l.name, cfg.entryLines)
	}
	env := viper.New()
	env.SetEnvPrefix("OGI")
	env.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	envValue := func(key string) (any, bool) {
		if err := env.BindEnv(key); err != nil {
			return nil, false
		}
		if !env.IsSet(key) {
			return nil, false
		}
		return env.Get(key), true
	}
	flagValue := func(s setting) (any, bool) {
		if s.flag == "" || flags == nil {
			return nil, false
		}
		f := flags.Lookup(s.flag)
		if f == nil || !f.Changed {
			return nil, false
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			return sv.GetSlice(), true
		}
		return f.Value.String(), true
	}
	resolve := func(s setting, profile map[string]any, profileName string) error {
		rv := resolvedValue{Value: s.def, Source: "default"}
		for _, l := range layers {
			if v, ok := l.m[s.key]; ok {
				rv = resolvedValue{v, l.name}
			}
		}
		if v, ok := profile[s.key]; ok {
			rv = resolvedValue{v, "profile " + profileName}
		}
		if v, ok := envValue(s.key); ok {
			rv = resolvedValue{v, "env OGI_" + strings.ToUpper(s.key)}
		}
		if v, ok := flagValue(s); ok {
			rv = resolvedValue{v, "flag --" + s.flag}
		}
		typed, err := coerce(s.def, rv.Value)
		if err == nil {
			err = s.check(typed)
		}
		if err != nil {
			return fmt.Errorf("%s (from %s): %w", s.key, rv.Source, err)
		}
		rv.Value = typed
		cfg.values[s.key] = rv
		return nil
	}
	// The profile itself first: it selects a layer for the others.
	for _, s := range settings {
		if s.key == "profile" {
			if err := resolve(s, nil, ""); err != nil {
				return nil, err
			}
		}
	}
	name := cfg.values["profile"].Value.(string)
	var profile map[string]any
	if name != "" {
		for _, l := range layers {
			if ps, ok := l.m["profiles"].(map[string]any); ok {
				if p, ok := ps[name].(map[string]any); ok {
					profile = p
				}
			}
		}
		if profile == nil {
			return nil, fmt.Errorf("profile %q is not defined in %s", name, strings.Join(cfg.files, ", "))
		}
	}
	for _, s := range settings {
		if s.key == "profile" {
			continue
		}
		if err := resolve(s, profile, name); err != nil {
			return nil, err
		}
	}
	// Overrides merge: later layers and the profile win per rule.
	addOverrides := func(src string, m map[string]any) error {
		raw, ok := m["overrides"]
		if !ok {
			return nil
		}
		om, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: overrides must map rule ids to {severity, points}", src)
		}
		for id, body := range om {
			bm, ok := body.(map[string]any)
			if !ok {
				return fmt.Errorf("%s: overrides.%s must be a mapping", src, id)
			}
			o := cfg.overrides[id]
			for k, v := range bm {
				switch k {
				case "severity":
					o.Severity = fmt.Sprint(v)
				case "points":
					f, err := coerce(0.0, v)
					if err != nil {
						return fmt.Errorf("%s: overrides.%s.points: %w", src, id, err)
					}
					x := f.(float64)
					o.Points = &x
				default:
					return fmt.Errorf("%s: unknown configuration key %q", src, "overrides."+id+"."+k)
				}
			}
			cfg.overrides[id] = o
		}
		return nil
	}
	for _, l := range layers {
		if err := addOverrides(l.name, l.m); err != nil {
			return nil, err
		}
	}
	if profile != nil {
		if err := addOverrides("profile "+name, profile); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// coerce converts a configured value to the type of the setting's default.
func coerce(def, v any) (any, error) {
	switch def.(type) {
	case string:
		switch x := v.(type) {
		case string:
			return x, nil
		case fmt.Stringer:
			return x.String(), nil
		case int, int64, float64, bool:
			return fmt.Sprint(x), nil
		}
	case bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			b, err := strconv.ParseBool(x)
			if err != nil {
				return nil, fmt.Errorf("%q is not true or false", x)
			}
			return b, nil
		}
	case int:
		switch x := v.(type) {
		case int:
			return x, nil
		case int64:
			return int(x), nil
		case float64:
			if x == float64(int(x)) {
				return int(x), nil
			}
			return nil, fmt.Errorf("%v is not a whole number", x)
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("%q is not a whole number", x)
			}
			return n, nil
		}
	case int64:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case float64:
			if x == float64(int64(x)) {
				return int64(x), nil
			}
			return nil, fmt.Errorf("%v is not a whole number", x)
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a whole number", x)
			}
			return n, nil
		}
	case float64:
		switch x := v.(type) {
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", x)
			}
			return f, nil
		}
	case time.Duration:
		switch x := v.(type) {
		case time.Duration:
			return x, nil
		case string:
			d, err := time.ParseDuration(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("%q is not a duration such as 30s or 2m", x)
			}
			return d, nil
		case int, int64, float64:
			return nil, fmt.Errorf("%v is not a duration: give the unit, as in %vs", x, x)
		}
	case []string:
		switch x := v.(type) {
		case []string:
			return x, nil
		case []any:
			out := make([]string, len(x))
			for i, e := range x {
				out[i] = fmt.Sprint(e)
			}
			return out, nil
		case string:
			if strings.TrimSpace(x) == "" {
				return []string{}, nil
			}
			parts := strings.Split(x, ",")
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			return parts, nil
		}
	}
	return nil, fmt.Errorf("%v (%T) is not a valid value", v, v)
}

// applyConfig fills checkOptions from the effective configuration.
func (c *config) applyTo(o *checkOptions) error {
	get := func(k string) any { return c.values[k].Value }
	o.Lang = get("lang").(string)
	o.CSVEncoding = get("csv_encoding").(string)
	o.Format = get("format").(string)
	o.FailOn = get("fail_on").(string)
	o.MinScore = get("min_score").(float64)
	o.MinScoreSet = o.MinScore > 0 || c.values["min_score"].Source != "default"
	o.RuleDirs = get("rules").([]string)
	o.NoBuiltin = get("no_builtin").(bool)
	o.Enable = get("enable").([]string)
	o.Disable = get("disable").([]string)
	o.refLines = map[string]string{}
	for _, key := range []string{"enable", "disable"} {
		src := c.values[key].Source
		for _, p := range get(key).([]string) {
			where := src
			switch {
			case strings.HasPrefix(src, "profile "):
				name := strings.TrimPrefix(src, "profile ")
				for _, f := range c.files {
					if w, ok := c.entryLines[f+"\x00profiles."+name+"."+key+"\x00"+p]; ok {
						where = w
					}
				}
			case strings.HasPrefix(src, "flag "):
				where = strings.TrimPrefix(src, "flag ")
			default:
				if w, ok := c.entryLines[src+"\x00"+key+"\x00"+p]; ok {
					where = w
				}
			}
			o.refLines[key+"\x00"+p] = where
		}
	}
	o.Overrides = c.overrides
	o.CannotEvaluateSeverity = get("cannot_evaluate_severity").(string)
	o.Jurisdiction = get("jurisdiction").(string)
	o.Jobs = get("jobs").(int)
	o.Waivers = get("waivers").(string)
	o.NoWaivers = get("no_waivers").(bool)
	o.Scoring = get("scoring").(string)
	o.DB = get("db").(string)
	o.Reviewer = get("reviewer").(string)
	o.similarity = get("similarity_threshold").(float64)
	o.HTMLDetails = get("html_details").(int)
	o.MemoryLimit = get("memory_limit").(int)
	c.applyLimits(&o.Limits)
	return nil
}

// applyLimits fills the conversion limits from the configuration.
func (c *config) applyLimits(lim *ingest.Limits) {
	get := func(k string) any { return c.values[k].Value }
	// Field by field: a limit this table does not know keeps its default.
	lim.MaxFileBytes = get("max_file_size").(int64)
	lim.MaxDOCXUncompressed = get("max_docx_size").(int64)
	lim.MaxZipEntries = get("max_zip_entries").(int)
	lim.MaxXMLDepth = get("max_xml_depth").(int)
	lim.MaxPDFPages = get("max_pdf_pages").(int)
	lim.MaxCells = get("max_cells").(int)
	lim.MaxRowCells = get("max_row_cells").(int)
	lim.MaxLines = get("max_lines").(int)
	lim.MaxTextBytes = get("max_text_bytes").(int)
	lim.Timeout = get("timeout").(time.Duration)
}

// configure resolves the configuration of a command into o; a mistake is
// printed and false returned (exit 2).
func configure(cmd *cobra.Command, o *checkOptions, stderr io.Writer) (*config, bool) {
	cfg, err := loadConfig(cmd.Flags())
	if err == nil {
		err = cfg.applyTo(o)
	}
	if err != nil {
		say(stderr, "ogi: configuration: %v\n", err)
		return nil, false
	}
	return cfg, true
}

func newConfigCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Show the effective configuration"}
	var profile string
	show := &cobra.Command{
		Use:   "show",
		Short: "Print every effective setting and where it came from",
		Long: `Print every setting with its effective value and its source. Precedence: flags > OGI_*
environment variables > the active profile > the project file (--config FILE, else the
.ogi.yaml found walking up from the working directory) > the user configuration file
(OGI_CONFIG, else <user config dir>/ogi/config.yaml) > defaults.

Exit codes: 0 shown; 2 a configuration error (unknown key, bad value), naming the key.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := loadConfig(c.Flags())
			if err != nil {
				writeErr(stderr, err)
				*code = exitUsage
				return nil
			}
			var o checkOptions
			if err := cfg.applyTo(&o); err != nil {
				writeErr(stderr, err)
				*code = exitUsage
				return nil
			}
			if len(cfg.files) == 0 {
				say(stdout, "# no configuration file found\n")
			}
			for _, f := range cfg.files {
				say(stdout, "# file: %s\n", f)
			}
			for _, s := range settings {
				rv := cfg.values[s.key]
				say(stdout, "%-26s %-24v # %s\n", s.key, fmtValue(rv.Value), rv.Source)
			}
			ids := make([]string, 0, len(cfg.overrides))
			for id := range cfg.overrides {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				o := cfg.overrides[id]
				pts := ""
				if o.Points != nil {
					pts = fmt.Sprint(*o.Points)
				}
				say(stdout, "overrides.%s severity=%s points=%s\n", id, o.Severity, pts)
			}
			return nil
		},
	}
	show.Flags().StringVar(&profile, "profile", "", "named profile to apply")
	cmd.AddCommand(show)
	return cmd
}

func fmtValue(v any) string {
	if ss, ok := v.([]string); ok {
		return "[" + strings.Join(ss, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// recordEntryLines notes the line of every enable and disable entry of a
// configuration file, top level and in profiles (viper keeps no lines).
func recordEntryLines(file string, out map[string]string) {
	data, err := fileread.Read(file, maxSideFileBytes)
	if err != nil {
		return
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return
	}
	var walk func(m *yaml.Node, prefix string, depth int)
	walk = func(m *yaml.Node, prefix string, depth int) {
		if m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i].Value, m.Content[i+1]
			switch {
			case (k == "enable" || k == "disable") && v.Kind == yaml.SequenceNode:
				for _, e := range v.Content {
					out[file+"\x00"+prefix+k+"\x00"+e.Value] = fmt.Sprintf("%s:%d", file, e.Line)
				}
			case k == "profiles" && depth == 0:
				for j := 0; j+1 < len(v.Content); j += 2 {
					walk(v.Content[j+1], "profiles."+v.Content[j].Value+".", 1)
				}
			}
		}
	}
	walk(root.Content[0], "", 0)
}
