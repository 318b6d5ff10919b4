package fft

import (
	"fmt"
	"strconv"
	"strings"
)

// maxLen is the largest number of values a valid Shape may describe, 2³¹.
const maxLen = 1 << 31

// Shape is the list of axis sizes of a real signal stored row-major: [T] for
// a sequence, [H W] for an image, [D H W] for a volume, and so on for any
// number of axes. The last axis varies fastest.
//
// The empty shape (nil or []int{}) has no axes and describes a single value,
// a scalar: it has one value and one bin of weight 1, and its transform is
// the identity.
//
// Shape's underlying type is []int, so a []int can be passed wherever a Shape
// is expected. The methods other than Validate assume a valid shape.
type Shape []int

// Validate returns nil if every size of s is at least 1 and s describes at
// most 2³¹ values, and an error prefixed by "fft: " otherwise.
func (s Shape) Validate() error {
	n := 1
	for a, size := range s {
		if size < 1 {
			return fmt.Errorf("fft: shape %v: axis %d has size %d, want at least 1", []int(s), a, size)
		}
		if size > maxLen/n {
			return fmt.Errorf("fft: shape %v has more than 2³¹ values", []int(s))
		}
		n *= size
	}
	return nil
}

// Len returns the number of values of a signal of shape s, the product of
// its sizes: 1 for the empty shape, 0 if a size is 0 or negative.
func (s Shape) Len() int {
	n := 1
	for _, size := range s {
		if size < 1 {
			return 0
		}
		n *= size
	}
	return n
}

// Bins returns the number of half-spectrum bins of a signal of shape s: the
// product of all sizes but the last, times last/2+1 (integer division). It
// is 1 for the empty shape and 0 if a size is 0 or negative.
func (s Shape) Bins() int {
	if len(s) == 0 {
		return 1
	}
	r := len(s) - 1
	if s[r] < 1 {
		return 0
	}
	return Shape(s[:r]).Len() * (s[r]/2 + 1)
}

// Weights returns a newly allocated slice of the Bins() half-spectrum bin
// weights of shape s, in the half-spectrum layout. A bin's weight depends
// only on its index v along the last axis, of size n: it is 1 when v = 0 or,
// for even n, v = n/2, and 2 otherwise. The empty shape has the single
// weight 1. See the package documentation for why.
func (s Shape) Weights() []float64 {
	w := make([]float64, s.Bins())
	if len(s) == 0 {
		w[0] = 1
		return w
	}
	n := s[len(s)-1]
	nb := n/2 + 1
	for i := range w {
		if v := i % nb; v == 0 || 2*v == n {
			w[i] = 1
		} else {
			w[i] = 2
		}
	}
	return w
}

// String returns the sizes of s joined by "×", such as "28×28" or "200",
// and "scalar" for the empty shape.
func (s Shape) String() string {
	if len(s) == 0 {
		return "scalar"
	}
	var b strings.Builder
	for a, size := range s {
		if a > 0 {
			b.WriteString("×")
		}
		b.WriteString(strconv.Itoa(size))
	}
	return b.String()
}
