package check

import (
	"context"
	"errors"
	"syscall"

	"modernc.org/sqlite"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
)

// Code is the outcome of a run as a process exit status, the contract
// documented in the README and in `ogi check --help`. Every command and
// the server map their errors to it here, in one place.
type Code int

// The exit codes. When several apply the worst wins, in the order
// ExitUsage > ExitOutput > ExitRules > ExitInput > ExitCompliance > ExitOK
// (see Worse).
const (
	ExitOK         Code = 0 // nothing at or above FailOn, every score ≥ MinScore
	ExitCompliance Code = 1 // a finding at or above FailOn, or a score below MinScore
	ExitUsage      Code = 2 // usage or configuration error
	ExitInput      Code = 3 // an input could not be read or converted
	ExitRules      Code = 4 // a rule could not be compiled or evaluated
	ExitOutput     Code = 5 // an output or the store could not be written
)

// rank orders the codes: a failed output outranks every result (what was
// not written cannot be acted on), a usage error outranks it (the run did
// not start).
var rank = map[Code]int{ExitOK: 0, ExitCompliance: 1, ExitInput: 2, ExitRules: 3, ExitOutput: 4, ExitUsage: 5}

// Worse returns the code that takes precedence.
func (c Code) Worse(d Code) Code {
	if rank[d] > rank[c] {
		return d
	}
	return c
}

// Error is an error with the exit code it implies.
type Error struct {
	Code Code
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap gives the cause.
func (e *Error) Unwrap() error { return e.Err }

// ConfigError marks err as a usage or configuration mistake (exit 2).
func ConfigError(err error) error { return &Error{Code: ExitUsage, Err: err} }

// OutputError marks err as an output that could not be written (exit 5).
func OutputError(err error) error { return &Error{Code: ExitOutput, Err: err} }

// CodeOf maps an error to its exit code: an *Error says so itself; a
// selection or override naming no rule is a configuration mistake; a rule
// that does not compile is a rules error; a full or read-only disk is an
// output failure; an input that cannot be read, converted or checked in
// time is an input error. nil is OK.
func CodeOf(err error) Code {
	if err == nil {
		return ExitOK
	}
	var ce *Error
	var pe *engine.PatternError
	var oe *engine.OverrideError
	var le *engine.LoadError
	var ie *ingest.InputError
	var ue *ingest.UnreadableError
	var te *engine.TimeoutError
	switch {
	case errors.As(err, &ce):
		return ce.Code
	case errors.As(err, &pe), errors.As(err, &oe):
		return ExitUsage
	case errors.As(err, &le):
		return ExitRules
	case IsWriteFailure(err):
		return ExitOutput
	case errors.As(err, &ie), errors.As(err, &ue), errors.As(err, &te), errors.Is(err, context.DeadlineExceeded):
		return ExitInput
	}
	return ExitRules
}

// SQLite's primary result codes for a write the disk refused
// (https://sqlite.org/rescode.html); an extended code keeps them in its
// low byte.
const (
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteFull     = 13
)

// IsWriteFailure tells a file or store that could not be written (a full
// disk, an I/O error, a read-only file system) from one that could not be
// used (not a database, a newer schema): the first is an output failure
// (exit 5), the second a configuration error (exit 2).
func IsWriteFailure(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteReadOnly, sqliteIOErr, sqliteFull:
			return true
		}
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EROFS)
}
