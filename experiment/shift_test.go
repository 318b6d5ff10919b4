package experiment

import (
	"slices"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/datasets"
)

// TestShiftGrid: the grid's offsets and counts, in 1-D (every multiple of
// 10 below T; every shift when T < 20), 2-D ({0, n/4, n/2, 3n/4} per axis:
// {0,7,14,21}² for 28×28) and 3-D (the same per axis, 64 shifts).
func TestShiftGrid(t *testing.T) {
	g := ShiftGrid([]int{200})
	if len(g) != 20 || !slices.Equal(g[0], []int{0}) || !slices.Equal(g[1], []int{10}) || !slices.Equal(g[19], []int{190}) {
		t.Errorf("1-D, T = 200: %v", g)
	}
	if g := ShiftGrid([]int{25}); len(g) != 3 || !slices.Equal(g[2], []int{20}) {
		t.Errorf("1-D, T = 25: %v, want 0, 10, 20", g)
	}
	g = ShiftGrid([]int{16})
	if len(g) != 16 {
		t.Errorf("1-D, T = 16: %d shifts, want every one of the 16", len(g))
	}
	for i, off := range g {
		if !slices.Equal(off, []int{i}) {
			t.Errorf("1-D, T = 16: shift %d = %v", i, off)
		}
	}

	g = ShiftGrid([]int{28, 28})
	if len(g) != 16 {
		t.Fatalf("2-D: %d shifts, want 16", len(g))
	}
	four := []int{0, 7, 14, 21}
	for i, off := range g {
		if want := []int{four[i/4], four[i%4]}; !slices.Equal(off, want) {
			t.Errorf("2-D 28×28: shift %d = %v, want %v", i, off, want)
		}
	}
	// H = 4, W = 8: {0,1,2,3} × {0,2,4,6}; small axes repeat offsets.
	if g := ShiftGrid([]int{4, 8}); !slices.Equal(g[7], []int{1, 6}) {
		t.Errorf("2-D 4×8: shift 7 = %v, want [1 6]", g[7])
	}
	if g := ShiftGrid([]int{2, 2}); len(g) != 16 || !slices.Equal(g[5], []int{0, 0}) || !slices.Equal(g[15], []int{1, 1}) {
		t.Errorf("2-D 2×2: %v", g)
	}

	g = ShiftGrid([]int{4, 8, 12})
	if len(g) != 64 {
		t.Fatalf("3-D: %d shifts, want 64", len(g))
	}
	// Shift 1·16 + 2·4 + 3 is (D/4, H/2, 3W/4) = (1, 4, 9).
	if !slices.Equal(g[1*16+2*4+3], []int{1, 4, 9}) {
		t.Errorf("3-D: shift 27 = %v, want [1 4 9]", g[27])
	}
	if ShiftGrid(nil) != nil {
		t.Error("rank 0: want no grid")
	}
}

// TestAllShifts: the all-shifts set in 2-D (16 shifts on the
// {0, H/4, H/2, 3H/4} × {0, W/4, W/2, 3W/4} grid) and 1-D (every multiple
// of 10).
func TestAllShifts(t *testing.T) {
	s := &datasets.Set{Name: "s", Shape: []int{1, 4, 8}, Classes: []string{"a", "b"}}
	for i := 0; i < 6; i++ {
		for v := 0; v < 32; v++ {
			s.X = append(s.X, float64(i*100+v))
		}
		s.Labels = append(s.Labels, i%2)
	}
	sh, err := AllShifts(s, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Len() != 4*16 {
		t.Fatalf("%d shifted samples, want 64", sh.Len())
	}
	// The first two samples per class are samples 0..3, kept in file order;
	// sample 1 at shift (dy, dx) = (1, 6) = (H/4, 3W/4) is at 1·16 + 1·4 + 3.
	want := conv.Shift(nil, s.Row(1), 1, []int{4, 8}, []int{1, 6})
	got := sh.Row(1*16 + 1*4 + 3)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("shifted sample differs at %d: %v vs %v", i, got[i], want[i])
		}
	}
	if sh.Labels[16] != 1 {
		t.Errorf("label of sample 1's shifts = %d, want 1", sh.Labels[16])
	}
	sig := &datasets.Set{Name: "sig", Shape: []int{2, 200}, Classes: []string{"a"}, X: make([]float64, 400), Labels: []int{0}}
	s1, err := AllShifts(sig, 1, 10)
	if err != nil || s1.Len() != 20 {
		t.Fatalf("1-D: %v, %d samples, want 20", err, s1.Len())
	}
}

// TestAllShiftsValues checks the shifted values themselves against
// hand-written rolls: dst[c, (i + o) mod n] = x[c, i] on every axis.
func TestAllShiftsValues(t *testing.T) {
	// 1-D: two channels of length 5, every shift (T < 20).
	sig := &datasets.Set{Name: "sig", Shape: []int{2, 5}, Classes: []string{"a"},
		X: []float64{1, 2, 3, 4, 5, 10, 20, 30, 40, 50}, Labels: []int{0}}
	s1, err := AllShifts(sig, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Len() != 5 || s1.Name != "sig/all-shifts" || !slices.Equal(s1.Shape, []int{2, 5}) {
		t.Fatalf("1-D: %d samples of %v named %q", s1.Len(), s1.Shape, s1.Name)
	}
	if want := []float64{4, 5, 1, 2, 3, 40, 50, 10, 20, 30}; !slices.Equal(s1.Row(2), want) {
		t.Errorf("1-D shift 2: %v, want %v", s1.Row(2), want)
	}
	if !slices.Equal(s1.Row(0), sig.Row(0)) {
		t.Errorf("1-D shift 0: %v, want the sample", s1.Row(0))
	}

	// 2-D: one 4×4 image; shift 6 of the grid is (dy, dx) = (1, 2).
	img := &datasets.Set{Name: "img", Shape: []int{1, 4, 4}, Classes: []string{"a"}, Labels: []int{0}}
	for v := range 16 {
		img.X = append(img.X, float64(v))
	}
	s2, err := AllShifts(img, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	want2 := []float64{
		14, 15, 12, 13,
		2, 3, 0, 1,
		6, 7, 4, 5,
		10, 11, 8, 9,
	}
	if s2.Len() != 16 || !slices.Equal(s2.Row(6), want2) {
		t.Errorf("2-D shift (1, 2): %v, want %v", s2.Row(6), want2)
	}

	// 3-D: two channels of 2×2×4 volumes; the grid has 64 shifts (offsets
	// {0,0,1,1} on the axes of size 2, {0,1,2,3} on the last).
	vol := &datasets.Set{Name: "vol", Shape: []int{2, 2, 2, 4}, Classes: []string{"a", "b"}, Labels: []int{1, 0, 1}}
	for i := range 3 {
		for v := range 32 {
			vol.X = append(vol.X, float64(1000*i+v))
		}
	}
	s3, err := AllShifts(vol, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s3.Len() != 2*64 {
		t.Fatalf("3-D: %d samples, want 128", s3.Len())
	}
	// The first sample of each class in file order: sample 0 (class 1),
	// then sample 1 (class 0), relabelled in class order.
	if s3.Labels[0] != 1 || s3.Labels[64] != 0 {
		t.Errorf("3-D labels %d, %d, want 1, 0", s3.Labels[0], s3.Labels[64])
	}
	grid := ShiftGrid([]int{2, 2, 4})
	for j, off := range grid {
		for base, src := range [][]float64{vol.Row(0), vol.Row(1)} {
			got := s3.Row(base*64 + j)
			for c := range 2 {
				for d := range 2 {
					for h := range 2 {
						for w := range 4 {
							to := c*16 + ((d+off[0])%2)*8 + ((h+off[1])%2)*4 + (w+off[2])%4
							if from := c*16 + d*8 + h*4 + w; got[to] != src[from] {
								t.Fatalf("3-D sample %d shift %v: value [%d %d %d %d] went to %v, want %v", base, off, c, d, h, w, got[to], src[from])
							}
						}
					}
				}
			}
		}
	}
}

func TestAllShiftsErrors(t *testing.T) {
	img := &datasets.Set{Name: "img", Shape: []int{1, 4, 4}, Classes: []string{"a"}, X: make([]float64, 16), Labels: []int{0}}
	for _, rank := range []int{0, 1, 3} {
		if _, err := AllShifts(img, rank, 1); err == nil {
			t.Errorf("rank %d on 1×4×4 samples: no error", rank)
		}
	}
	empty := &datasets.Set{Name: "e", Shape: []int{1, 4}, Classes: []string{"a", "b"}, X: make([]float64, 4), Labels: []int{0}}
	if _, err := AllShifts(empty, 1, 1); err == nil {
		t.Error("a class without samples: no error")
	}
}
