package conv

// correlate adds Σ_s ker[s]·src[i+s] to d[i] for every i; src must hold at
// least len(d)+len(ker)−1 values. The taps are taken four at a time, and
// every d[i] receives the same sequence of operations.
func correlate(d, ker, src []float64) {
	n := len(d)
	s := 0
	for ; s+3 < len(ker); s += 4 {
		k0, k1, k2, k3 := ker[s], ker[s+1], ker[s+2], ker[s+3]
		x0 := src[s : s+n]
		x1 := src[s+1 : s+1+n]
		x2 := src[s+2 : s+2+n]
		x3 := src[s+3 : s+3+n]
		for i, v := range d {
			d[i] = v + ((k0*x0[i] + k1*x1[i]) + (k2*x2[i] + k3*x3[i]))
		}
	}
	for ; s+1 < len(ker); s += 2 {
		k0, k1 := ker[s], ker[s+1]
		x0 := src[s : s+n]
		x1 := src[s+1 : s+1+n]
		for i, v := range d {
			d[i] = v + (k0*x0[i] + k1*x1[i])
		}
	}
	if s < len(ker) {
		k0 := ker[s]
		x0 := src[s : s+n]
		for i, v := range d {
			d[i] = v + k0*x0[i]
		}
	}
}

// relu replaces every negative value of x by zero.
func relu(x []float64) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}
