package account

import (
	"slices"
	"testing"
)

func TestValidRole(t *testing.T) {
	for _, tc := range []struct {
		role string
		want bool
	}{
		{RoleAdmin, true},
		{RoleReviewer, true},
		{RoleViewer, true},
		{"", false},
		{"Admin", false},
		{" admin", false},
		{"管理员", false},
		{"root", false},
	} {
		if got := ValidRole(tc.role); got != tc.want {
			t.Errorf("ValidRole(%q) = %v, want %v", tc.role, got, tc.want)
		}
	}
	for _, r := range Roles() {
		if !ValidRole(r) {
			t.Errorf("Roles() lists %q, which ValidRole refuses", r)
		}
	}
	if want := []string{RoleAdmin, RoleReviewer, RoleViewer}; !slices.Equal(Roles(), want) {
		t.Errorf("Roles() = %v, want %v", Roles(), want)
	}
}

func TestRoleLabel(t *testing.T) {
	for _, tc := range []struct {
		role, lang, want string
	}{
		{RoleAdmin, "zh", "管理员"},
		{RoleReviewer, "zh", "审核员"},
		{RoleViewer, "zh", "查看者"},
		{RoleAdmin, "", "管理员"},
		{RoleViewer, "zh-CN", "查看者"},
		{RoleAdmin, "en", "admin"},
		{RoleReviewer, "en", "reviewer"},
		{RoleViewer, "en", "viewer"},
		{RoleReviewer, "EN-us", "reviewer"},
		{RoleViewer, "en_GB", "viewer"},
		{RoleAdmin, "eng", "管理员"}, // not an English tag
		{"ghost", "zh", "ghost"},
		{"ghost", "en", "ghost"},
	} {
		if got := RoleLabel(tc.role, tc.lang); got != tc.want {
			t.Errorf("RoleLabel(%q, %q) = %q, want %q", tc.role, tc.lang, got, tc.want)
		}
	}
}

func TestCan(t *testing.T) {
	actions := []string{ActionView, ActionDecide, ActionRun, ActionAdmin, "", "delete", "View"}
	for _, tc := range []struct {
		role string
		may  []string
	}{
		{RoleAdmin, []string{ActionView, ActionDecide, ActionRun, ActionAdmin}},
		{RoleReviewer, []string{ActionView, ActionDecide, ActionRun}},
		{RoleViewer, []string{ActionView}},
		{"", nil},
		{"Admin", nil},
		{"ghost", nil},
	} {
		for _, a := range actions {
			want := slices.Contains(tc.may, a)
			if got := Can(tc.role, a); got != want {
				t.Errorf("Can(%q, %q) = %v, want %v", tc.role, a, got, want)
			}
		}
	}
}
