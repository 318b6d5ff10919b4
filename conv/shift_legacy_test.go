package conv

// This file keeps the 1-D and 2-D shifts that Shift replaced, as they were,
// renamed and with their comments removed: the reference of
// TestShiftMatchesLegacy.

func legacyShift1D(dst, x []float64, c, t, s int) []float64 {
	if c < 0 || t < 0 || len(x) != c*t {
		panic("conv: Shift1D: len(x) != c·t")
	}
	if dst == nil {
		dst = make([]float64, c*t)
	} else if len(dst) != c*t {
		panic("conv: Shift1D: len(dst) != c·t")
	}
	if t == 0 {
		return dst
	}
	s = mod(s, t)
	same := c > 0 && &dst[0] == &x[0]
	for ch := 0; ch < c; ch++ {
		d := dst[ch*t : (ch+1)*t]
		if same {
			rotate(d, s)
		} else {
			rollInto(d, x[ch*t:(ch+1)*t], s)
		}
	}
	return dst
}

func legacyShift2D(dst, x []float64, c, h, w, dy, dx int) []float64 {
	if c < 0 || h < 0 || w < 0 || len(x) != c*h*w {
		panic("conv: Shift2D: len(x) != c·h·w")
	}
	if dst == nil {
		dst = make([]float64, c*h*w)
	} else if len(dst) != c*h*w {
		panic("conv: Shift2D: len(dst) != c·h·w")
	}
	if h == 0 || w == 0 {
		return dst
	}
	dy, dx = mod(dy, h), mod(dx, w)
	same := c > 0 && &dst[0] == &x[0]
	n := h * w
	for ch := 0; ch < c; ch++ {
		d := dst[ch*n : (ch+1)*n]
		if same {
			for y := 0; y < h; y++ {
				rotate(d[y*w:(y+1)*w], dx)
			}
			rotate(d, dy*w)
			continue
		}
		src := x[ch*n : (ch+1)*n]
		for y := 0; y < h; y++ {
			ty := y + dy
			if ty >= h {
				ty -= h
			}
			rollInto(d[ty*w:(ty+1)*w], src[y*w:(y+1)*w], dx)
		}
	}
	return dst
}
