// Package sat is saturating arithmetic on non-negative int64 sizes: a
// product or sum that would overflow is math.MaxInt64, so that size
// estimates of absurd inputs stay comparable instead of wrapping around.
package sat

import "math"

// Mul returns the product of non-negative values, or math.MaxInt64 if it
// overflows (0 if any value is 0).
func Mul(v ...int64) int64 {
	for _, x := range v {
		if x == 0 {
			return 0
		}
	}
	p := int64(1)
	for _, x := range v {
		if p > math.MaxInt64/x {
			return math.MaxInt64
		}
		p *= x
	}
	return p
}

// Add returns the sum of non-negative values, or math.MaxInt64 if it
// overflows.
func Add(v ...int64) int64 {
	s := int64(0)
	for _, x := range v {
		if s > math.MaxInt64-x {
			return math.MaxInt64
		}
		s += x
	}
	return s
}
