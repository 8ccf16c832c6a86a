package circular

import "testing"

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百", 105: "一百零五",
		110: "一百一十", 1000: "一千", 1001: "一千零一", 1010: "一千零一十", 9999: "九千九百九十九", 0: "0", 10000: "10000"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
}
