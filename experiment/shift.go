package experiment

import (
	"fmt"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/datasets"
)

// ShiftGrid returns the offsets of the all-shifts grid for signals of the
// given size on r = len(size) spatial axes, one offset vector of r entries
// per shift, the first axis varying slowest:
//
//   - 1-D (T): every multiple of 10 below T (20 shifts for T = 200), or
//     every shift when T < 20;
//   - 2-D and more: every combination of {0, n/4, n/2, 3n/4} on each axis of
//     size n (integer division), 4^r shifts: for 28×28 images the 16 shifts
//     {0, 7, 14, 21}², for volumes 64.
//
// Small axes repeat offsets (n = 2 gives 0, 0, 1, 1) so that the count does
// not depend on the size. ShiftGrid returns nil for r = 0.
func ShiftGrid(size []int) [][]int {
	switch len(size) {
	case 0:
		return nil
	case 1:
		step := 10
		if size[0] < 20 {
			step = 1
		}
		var grid [][]int
		for s := 0; s < size[0]; s += step {
			grid = append(grid, []int{s})
		}
		return grid
	}
	// 4^r combinations, the last axis varying fastest.
	n := 1
	for range size {
		n *= 4
	}
	grid := make([][]int, n)
	for i := range grid {
		off := make([]int, len(size))
		q := i
		for a := len(size) - 1; a >= 0; a-- {
			off[a] = (q % 4) * size[a] / 4
			q /= 4
		}
		grid[i] = off
	}
	return grid
}

// AllShifts returns the all-shifts test set of s: the first perClass
// samples of each class in file order (every sample when perClass ≤ 0, and
// never more than the smallest class has), each replaced by its cyclic
// shifts by every offset of ShiftGrid, the zero shift first. The samples of s must
// have shape [C, n1, …, nr] for the rank r ≥ 1 of the grid: each of the C
// channels is rolled by the same offsets over the r spatial axes, as
// numpy's roll(x, offsets, axis=(1, …, r)) does. The set is named
// s.Name+"/all-shifts" and keeps the classes of s; shift j of sample i is
// sample i·len(grid)+j.
//
// AllShifts returns an error if the samples do not have r spatial axes or
// if s has no samples of a class.
func AllShifts(s *datasets.Set, rank, perClass int) (*datasets.Set, error) {
	if rank < 1 || len(s.Shape) != rank+1 {
		return nil, fmt.Errorf("%s: no cyclic shifts of rank %d for %v samples", s.Name, rank, s.Shape)
	}
	// At most as many per class as the smallest class has (perClass ≤ 0:
	// every sample).
	for _, c := range s.Counts() {
		if perClass > 0 && c > 0 && c < perClass {
			perClass = c
		}
	}
	base, err := s.Subset(nil, perClass, 0)
	if err != nil {
		return nil, err
	}
	c, size := base.Shape[0], base.Shape[1:]
	grid := ShiftGrid(size)
	d := base.Dim()
	out := &datasets.Set{Name: s.Name + "/all-shifts", Shape: base.Shape, Classes: base.Classes,
		X: make([]float64, base.Len()*len(grid)*d), Labels: make([]int, 0, base.Len()*len(grid))}
	for i := range base.Len() {
		x := base.Row(i)
		for _, off := range grid {
			n := len(out.Labels) * d
			conv.Shift(out.X[n:n+d], x, c, size, off)
			out.Labels = append(out.Labels, base.Labels[i])
		}
	}
	return out, nil
}
