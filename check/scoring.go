package check

import (
	"errors"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/rules"
)

// maxProfileFileBytes bounds a scoring profile file: a few KB.
const maxProfileFileBytes = 1 << 20

// ScoringProfiles lists the built-in scoring profiles by name.
func ScoringProfiles() []string {
	entries, _ := fs.ReadDir(rules.Profiles, "profiles")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// LoadScoring reads a scoring profile: a built-in name (ScoringProfiles)
// or a YAML file. "" is the default profile. A bad profile is a
// configuration error naming the file and line.
func LoadScoring(nameOrFile string) (engine.ScoreConfig, error) {
	if nameOrFile == "" {
		return engine.DefaultScoreConfig(), nil
	}
	if !strings.ContainsAny(nameOrFile, `/\`) && path.Ext(nameOrFile) == "" {
		data, err := fs.ReadFile(rules.Profiles, "profiles/"+nameOrFile+".yaml")
		if err != nil {
			return engine.ScoreConfig{}, ConfigError(errors.New("scoring: " + nameOrFile + " is not a built-in profile (" +
				strings.Join(ScoringProfiles(), ", ") + ") or a file"))
		}
		cfg, err := engine.LoadProfile("builtin:"+nameOrFile, data)
		if err != nil {
			return engine.ScoreConfig{}, ConfigError(err)
		}
		return cfg, nil
	}
	data, err := fileread.Read(nameOrFile, maxProfileFileBytes)
	if err != nil {
		return engine.ScoreConfig{}, ConfigError(errors.New("scoring: " + err.Error()))
	}
	cfg, err := engine.LoadProfile(nameOrFile, data)
	if err != nil {
		return engine.ScoreConfig{}, ConfigError(err)
	}
	return cfg, nil
}
