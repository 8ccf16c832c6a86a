package server

import "testing"

func TestRegionOf(t *testing.T) {
	for _, tc := range []struct{ agency, want string }{
		{"威海市文登区信访局", "威海市文登区"},
		{"威海市教育局", "威海市"},
		{"威海市市场监督管理局", "威海市"},
		{"淮安市洪泽区人民政府", "淮安市洪泽区"},
		{"洪泽区人民政府", "洪泽区"},
		{"湛河区政府办公室", "湛河区"},
		{"平潭综合实验区", "平潭综合实验区"},
		{"天津市静海区人民政府办公室", "天津市静海区"},
		{"山东省人民政府办公厅", "山东省"},
		{"上海市人民政府办公厅", "上海市"},
		{"", ""},
		{"国家统计局", ""},
	} {
		if got := regionOf(tc.agency); got != tc.want {
			t.Errorf("regionOf(%q) = %q, want %q", tc.agency, got, tc.want)
		}
	}
}

func TestBodyType(t *testing.T) {
	for _, tc := range []struct{ agency, want string }{
		{"淮安市洪泽区人民政府", "government"},
		{"威海市教育局", "department"},
		{"某某镇人民政府", "township"},
		{"某某街道办事处", "township"},
		{"平潭综合实验区", "unknown"},
	} {
		if got := bodyType(tc.agency); got != tc.want {
			t.Errorf("bodyType(%q) = %q, want %q", tc.agency, got, tc.want)
		}
	}
}

func TestAuditWords(t *testing.T) {
	d := bi("角色：查看者", "role: viewer")
	if auditDetail(d, "zh") != "角色：查看者" || auditDetail(d, "en") != "role: viewer" || auditDetail("plain", "en") != "plain" {
		t.Fatalf("detail %q", d)
	}
	for _, tc := range []struct{ target, lang, want string }{
		{"batch:3", "zh", "批次 3"},
		{"finding:ab12-cd batch:3", "zh", "问题编号 ab12-cd，批次 3"},
		{"user:li", "en", "account li"},
		{"roster:市直部门", "zh", "名单 市直部门"},
		{"", "zh", ""},
	} {
		if got := auditTarget(tc.target, tc.lang); got != tc.want {
			t.Errorf("auditTarget(%q, %s) = %q, want %q", tc.target, tc.lang, got, tc.want)
		}
	}
}

func TestOverallProgress(t *testing.T) {
	for _, tc := range []struct {
		phase       string
		done, total int
		want        int
	}{{"convert", 0, 10, 0}, {"convert", 10, 10, 50}, {"check", 0, 10, 50}, {"check", 5, 10, 75}, {"check", 10, 10, 99}, {"", 0, 0, 0}} {
		if got := overall(tc.phase, tc.done, tc.total); got != tc.want {
			t.Errorf("overall(%s, %d, %d) = %d, want %d", tc.phase, tc.done, tc.total, got, tc.want)
		}
	}
}
