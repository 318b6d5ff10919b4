package datasets_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// toySet returns a set of 10 two-value samples, sample i being (i, −i),
// with labels in three classes a, b, c.
func toySet() *datasets.Set {
	s := &datasets.Set{
		Name:    "toy",
		Shape:   []int{2},
		Labels:  []int{2, 0, 1, 2, 0, 1, 0, 2, 1, 0},
		Classes: []string{"a", "b", "c"},
	}
	for i := range s.Labels {
		s.X = append(s.X, float64(i), -float64(i))
	}
	return s
}

func TestSetAccessors(t *testing.T) {
	s := toySet()
	if s.Len() != 10 || s.Dim() != 2 {
		t.Fatalf("Len, Dim = %d, %d, want 10, 2", s.Len(), s.Dim())
	}
	r := s.Row(3)
	if !slices.Equal(r, []float64{3, -3}) || cap(r) != 2 {
		t.Fatalf("Row(3) = %v (cap %d), want [3 -3] (cap 2)", r, cap(r))
	}
	r[0] = 30 // a view: writes through
	if s.X[6] != 30 {
		t.Errorf("Row is not a view of X")
	}
	_ = append(s.Row(0), 99) // must not overwrite sample 1
	if s.X[2] != 1 {
		t.Errorf("appending to Row(0) overwrote sample 1")
	}
	if got := s.Counts(); !slices.Equal(got, []int{4, 3, 3}) {
		t.Errorf("Counts = %v, want [4 3 3]", got)
	}
	img := &datasets.Set{Shape: []int{1, 28, 28}}
	if img.Dim() != 784 {
		t.Errorf("Dim of [1 28 28] = %d", img.Dim())
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Row(10) of 10 samples did not panic")
		}
	}()
	s.Row(10)
}

func TestSetValidate(t *testing.T) {
	if err := toySet().Validate(); err != nil {
		t.Fatalf("valid set: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(s *datasets.Set)
		want   string
	}{
		{"NaN", func(s *datasets.Set) { s.X[3] = math.NaN() }, "sample 1 holds NaN"},
		{"+Inf", func(s *datasets.Set) { s.X[19] = math.Inf(1) }, "sample 9 holds +Inf"},
		{"-Inf", func(s *datasets.Set) { s.X[0] = math.Inf(-1) }, "sample 0 holds -Inf"},
		{"short X", func(s *datasets.Set) { s.X = s.X[:19] }, "19 values"},
		{"shape mismatch", func(s *datasets.Set) { s.Shape = []int{1, 3} }, "shape [1 3]"},
		{"zero shape", func(s *datasets.Set) { s.Shape = []int{0}; s.X = nil }, "non-positive"},
		{"negative shape", func(s *datasets.Set) { s.Shape = []int{-2} }, "non-positive"},
		{"empty shape", func(s *datasets.Set) { s.Shape = nil }, "empty shape"},
		{"label too big", func(s *datasets.Set) { s.Labels[4] = 3 }, "sample 4 has label 3"},
		{"negative label", func(s *datasets.Set) { s.Labels[0] = -1 }, "sample 0 has label -1"},
	}
	for _, c := range cases {
		s := toySet()
		c.mutate(s)
		err := s.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), "datasets: toy: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error naming toy and containing %q", c.name, err, c.want)
		}
	}
}

func TestSubset(t *testing.T) {
	// Labels of toySet, by index: 2 0 1 2 0 1 0 2 1 0.
	cases := []struct {
		name           string
		classes        []int
		perClass, skip int
		wantRows       []int // indices into toySet
		wantLabels     []int
		wantClasses    []string
	}{
		{"all", nil, 0, 0, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []int{2, 0, 1, 2, 0, 1, 0, 2, 1, 0}, []string{"a", "b", "c"}},
		{"first of each", nil, 1, 0, []int{0, 1, 2}, []int{2, 0, 1}, []string{"a", "b", "c"}},
		// Class 0 is at 1,4,6,9 and class 2 at 0,3,7: skip one of each, take two.
		{"skip and remap", []int{2, 0}, 2, 1, []int{3, 4, 6, 7}, []int{1, 0, 0, 1}, []string{"a", "c"}},
		{"rest after skip", []int{1}, 0, 1, []int{5, 8}, []int{0, 0}, []string{"b"}},
		{"duplicates", []int{2, 0, 2, 0}, 1, 0, []int{0, 1}, []int{1, 0}, []string{"a", "c"}},
	}
	for _, c := range cases {
		s := toySet()
		arg := slices.Clone(c.classes)
		sub, err := s.Subset(arg, c.perClass, c.skip)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(arg, c.classes) {
			t.Errorf("%s: Subset changed its classes argument to %v", c.name, arg)
		}
		var wantX []float64
		for _, i := range c.wantRows {
			wantX = append(wantX, float64(i), -float64(i))
		}
		if !slices.Equal(sub.X, wantX) || !slices.Equal(sub.Labels, c.wantLabels) || !slices.Equal(sub.Classes, c.wantClasses) {
			t.Errorf("%s: got X %v labels %v classes %v, want X %v labels %v classes %v",
				c.name, sub.X, sub.Labels, sub.Classes, wantX, c.wantLabels, c.wantClasses)
		}
		if sub.Name != "toy" || !slices.Equal(sub.Shape, []int{2}) {
			t.Errorf("%s: name %q shape %v", c.name, sub.Name, sub.Shape)
		}
		if err := sub.Validate(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		sub.X[0] = 1000
		sub.Shape[0] = 7
		if s.X[2*c.wantRows[0]] == 1000 || s.Shape[0] != 2 {
			t.Errorf("%s: the subset shares memory with the set", c.name)
		}
	}
}

func TestSubsetErrors(t *testing.T) {
	s := toySet()
	s.Classes = append(s.Classes, "d") // class 3 has no samples at all
	cases := []struct {
		classes        []int
		perClass, skip int
		want           string
	}{
		{[]int{0, 4}, 1, 0, "datasets: toy: class 4 out of range [0,4)"},
		{[]int{-1}, 1, 0, "datasets: toy: class -1 out of range [0,4)"},
		{[]int{3}, 1, 0, "datasets: toy: class 3 has no samples"},
		{[]int{0, 2}, 1, 3, "datasets: toy: class 2 has no samples (after skipping 3)"},
		{[]int{0, 2}, 3, 1, "datasets: toy: class 2 has 2 samples after skipping 1, want 3"},
		{nil, 1, -1, "datasets: toy: negative skip -1"},
	}
	for _, c := range cases {
		_, err := s.Subset(c.classes, c.perClass, c.skip)
		if err == nil || err.Error() != c.want {
			t.Errorf("Subset(%v, %d, %d): got %v, want %q", c.classes, c.perClass, c.skip, err, c.want)
		}
	}
	mnist, err := datasets.LoadMNIST(t.Context(), fixtureDir, "train")
	if err != nil {
		t.Fatal(err)
	}
	const want = "datasets: mnist/train: class 7 has no samples (after skipping 50)"
	if _, err := mnist.Subset([]int{7}, 10, 50); err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestParseClasses(t *testing.T) {
	good := []struct {
		spec string
		want []int
	}{
		{"0-9", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"0,1", []int{0, 1}},
		{"3,5-7", []int{3, 5, 6, 7}},
		{" 1 , 0 ", []int{0, 1}},
		{"2,1-3,2", []int{1, 2, 3}},
		{"5-5", []int{5}},
		{"007", []int{7}},
	}
	for _, c := range good {
		got, err := datasets.ParseClasses(c.spec)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseClasses(%q) = %v, %v; want %v", c.spec, got, err, c.want)
		}
	}
	bad := []string{"", " ", "a", "1,", ",1", "1,,2", "1-", "-1", "-1-3", "7-5", "1--2", "1-2-3",
		"0x1", "+1", "1.5", "1 2", "99999999999999999999", "0-2000000"}
	for _, spec := range bad {
		if got, err := datasets.ParseClasses(spec); err == nil || !strings.HasPrefix(err.Error(), "datasets: ") {
			t.Errorf("ParseClasses(%q) = %v, %v; want an error", spec, got, err)
		}
	}
}
