package assess

import (
	"testing"
)

func TestBodyIndex(t *testing.T) {
	keys := []string{"淮安市洪泽区人民政府", "洪泽区人民政府", "平潭综合实验区管理委员会", "平潭综合实验区管理委员会", "人民政府", "淮安市人民政府", ""}
	years := []int{2023, 2024, 2021, 2022, 2023, 2023, 2023}
	x := newBodyIndex(keys, years)
	tests := []struct {
		key  string
		year int
		want int
	}{
		{"洪泽区人民政府", 2023, 0},       // a place prefix on last year's name
		{"淮安市洪泽区人民政府", 2024, 1},    // a place prefix on this year's name
		{"平潭综合实验区管理委员会", 2021, 2},  // exact
		{"平潭综合实验区管理委员会", 2020, -1}, // no such year
		{"淮安市人民政府", 2023, 5},       // exact beats the suffix 人民政府
		{"盱眙县人民政府", 2023, -1},      // a bare 人民政府 is nobody's name
		{"江苏省淮安市人民政府", 2023, 5},    // a province before the city
		{"政府", 2023, -1},           // too short to match by suffix
		{"", 2023, -1},             // no name
		{"洪泽区人民政府", 0, -1},         // no year
		{"淮阴区人民政府", 2024, -1},      // another district
	}
	for _, tt := range tests {
		if got := x.find(tt.key, tt.year); got != tt.want {
			t.Errorf("find(%s, %d) = %d, want %d", tt.key, tt.year, got, tt.want)
		}
	}
}

func TestSameBody(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"洪泽区人民政府", "淮安市洪泽区人民政府", true},
		{"淮安市洪泽区人民政府", "洪泽区人民政府", true},
		{"洪泽区人民政府", "洪泽区人民政府", true},
		{"人民政府", "盱眙县人民政府", false},
		{"教育局", "淮安市教育局", false}, // too short to tell apart
		{"洪泽区教育局", "淮安市洪泽区教育局", true},
		{"泽区人民政府", "淮安市洪泽区人民政府", false}, // a cut, not a place prefix
		{"", "洪泽区人民政府", false},
	}
	for _, tt := range tests {
		if got := sameBody(tt.a, tt.b); got != tt.want {
			t.Errorf("sameBody(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

func TestBodyKey(t *testing.T) {
	if got := bodyKey(" 淮安市 洪泽区（开发区）人民政府 "); got != "淮安市洪泽区(开发区)人民政府" {
		t.Errorf("bodyKey = %q", got)
	}
}
