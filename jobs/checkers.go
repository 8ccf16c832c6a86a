package jobs

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/jurisdiction"
)

// StoredProfile prefixes a batch's scoring profile when it is one an
// administrator put in the library: the rest is the hash of its YAML among
// the blobs, so that every process that shares the blobs finds it.
const StoredProfile = "stored:"

// Checkers builds checkers once per scoring profile and jurisdiction:
// compiling the rules costs tens of milliseconds, and every batch, report
// job and page needs one. It is safe for concurrent use.
type Checkers struct {
	build func(profile, juris string) (*check.Checker, error)
	blobs Blobs
	mu    sync.Mutex
	m     map[[2]string]*checkerEntry
}

// checkerEntry is one checker, built once; requests that need it at the
// same time wait for that build.
type checkerEntry struct {
	once sync.Once
	c    *check.Checker
	err  error
}

// NewCheckers caches what build makes (nil: DefaultChecker); a profile
// named StoredProfile+hash is given to build as that blob's path.
func NewCheckers(build func(profile, juris string) (*check.Checker, error), blobs Blobs) *Checkers {
	if build == nil {
		build = DefaultChecker
	}
	return &Checkers{build: build, blobs: blobs, m: map[[2]string]*checkerEntry{}}
}

// Get is the checker for a profile and a jurisdiction. A failed build is
// not kept: the next call tries again (a stored profile may have been
// restored meanwhile).
func (c *Checkers) Get(profile, juris string) (*check.Checker, error) {
	k := [2]string{profile, juris}
	c.mu.Lock()
	e := c.m[k]
	if e == nil {
		e = &checkerEntry{}
		c.m[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		ref, err := c.Resolve(profile)
		if err == nil {
			e.c, err = c.build(ref, juris)
		}
		e.err = err
	})
	if e.err != nil {
		c.mu.Lock()
		if c.m[k] == e {
			delete(c.m, k)
		}
		c.mu.Unlock()
	}
	return e.c, e.err
}

// Resolve gives what a batch's profile names as check.LoadScoring reads
// it: a stored profile's file among the blobs, else the name itself.
func (c *Checkers) Resolve(profile string) (string, error) {
	sha, ok := strings.CutPrefix(profile, StoredProfile)
	if !ok {
		return profile, nil
	}
	if c.blobs == nil {
		return "", fmt.Errorf("the library profile %s is not available here", sha)
	}
	return c.blobs.Path(sha)
}

// DefaultChecker is the command line's checker with the built-in rules,
// a scoring profile (a built-in name or a YAML file) and a built-in
// jurisdiction ("" for none).
func DefaultChecker(profile, juris string) (*check.Checker, error) {
	o := check.Options{}
	if profile != "" {
		sc, err := check.LoadScoring(profile)
		if err != nil {
			return nil, err
		}
		o.Score = &sc
	}
	if juris != "" {
		jp, ok := jurisdiction.Builtin(juris)
		if !ok {
			return nil, fmt.Errorf("no built-in jurisdiction %q (%s)", juris, strings.Join(jurisdiction.Names(), ", "))
		}
		o.Engine.Jurisdiction = jp
	}
	return check.New(o)
}
