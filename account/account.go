// Package account holds what `ogi serve` needs to know about the people who
// use it: their roles and what each role may do, password hashing and the
// password policy, the random tokens behind session cookies and API tokens,
// and the login rate limiter. It keeps no state of its own beyond the
// limiter; users, sessions and tokens live in internal/store, which holds
// only the hashes this package makes.
package account

import "strings"

// The roles of a user. An office has few administrators, who manage users;
// reviewers do the work (run batches, decide findings); viewers only read.
const (
	RoleAdmin    = "admin"
	RoleReviewer = "reviewer"
	RoleViewer   = "viewer"
)

// The actions Can knows. They are the coarse steps the server guards, not
// one per route, so that a new page falls under an existing rule.
const (
	ActionView   = "view"   // read batches, results and reports
	ActionDecide = "decide" // record decisions about findings
	ActionRun    = "run"    // create a batch, upload, re-run
	ActionAdmin  = "admin"  // manage users and read the audit log
)

// Roles lists the roles from most to least powerful, the order in which a
// form should offer them.
func Roles() []string { return []string{RoleAdmin, RoleReviewer, RoleViewer} }

// ValidRole reports whether role is one of the roles above; the comparison
// is exact because roles are stored ids, not typed text.
func ValidRole(role string) bool {
	switch role {
	case RoleAdmin, RoleReviewer, RoleViewer:
		return true
	}
	return false
}

// RoleLabel is the name an officer reads for role: Chinese unless lang is
// English ("en", "en-US", ...). An unknown role is shown as it is, so that a
// bad row in the store is visible rather than disguised.
func RoleLabel(role, lang string) string {
	en := isEnglish(lang)
	switch role {
	case RoleAdmin:
		if en {
			return "admin"
		}
		return "管理员"
	case RoleReviewer:
		if en {
			return "reviewer"
		}
		return "审核员"
	case RoleViewer:
		if en {
			return "viewer"
		}
		return "查看者"
	}
	return role
}

func isEnglish(lang string) bool {
	l := strings.ToLower(lang)
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

// Can reports whether a user with role may perform action. Anything it
// does not know, role or action, is refused, so a typo denies rather than
// grants.
func Can(role, action string) bool {
	switch action {
	case ActionView:
		return ValidRole(role)
	case ActionDecide, ActionRun:
		return role == RoleAdmin || role == RoleReviewer
	case ActionAdmin:
		return role == RoleAdmin
	}
	return false
}
