package experiment

import (
	"strings"
	"testing"
)

// TestClaim: the sentence is made from the cells, and its verbs follow
// them.
func TestClaim(t *testing.T) {
	cells := func(rt, rs, ft, fs float64) []Accuracy {
		return []Accuracy{
			{TestSet, Raw, "nearest-subspace", rt}, {ShiftsSet, Raw, "nearest-subspace", rs},
			{TestSet, Features, "nearest-subspace", ft}, {ShiftsSet, Features, "nearest-subspace", fs},
			{TestSet, Raw, "knn", 0.5},
		}
	}
	got := Claim(cells(0.78, 0.157, 0.60, 0.55), 1600)
	for _, want := range []string{"(1600 shifted test images)", "features keep their accuracy: 0.55 against 0.60", "(92 % kept",
		"lifted input collapses from 0.78 to 0.16 (20 % kept)"} {
		if !strings.Contains(got, want) {
			t.Errorf("Claim = %q, want it to contain %q", got, want)
		}
	}
	got = Claim(cells(0.78, 0.60, 0.60, 0.30), 16)
	for _, want := range []string{"features do not keep their accuracy: 0.30 against 0.60", "(50 % kept", "input falls from 0.78 to 0.60 (77 % kept)"} {
		if !strings.Contains(got, want) {
			t.Errorf("Claim = %q, want it to contain %q", got, want)
		}
	}
	if got := Claim(cells(0.78, 0.157, 0.60, 0.55)[:3], 1600); got != "" {
		t.Errorf("Claim without a features/shifts cell = %q, want empty", got)
	}
	// Features that keep 85 % but less than the input does: not kept.
	if got := Claim(cells(0.80, 0.76, 0.60, 0.51), 16); !strings.Contains(got, "do not keep") {
		t.Errorf("Claim = %q: the input keeps more, want \"do not keep\"", got)
	}
}
