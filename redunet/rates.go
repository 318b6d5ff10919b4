package redunet

import "math"

// Rates are the coding rates of a set of features under one labelling:
// R(Z), Rc(Z | y) and their difference ΔR = R − Rc, in nats.
type Rates struct {
	DeltaR float64 `json:"delta_r"`
	R      float64 `json:"r"`
	Rc     float64 `json:"rc"`
}

// rateCoef is the coefficient a = C/(n·ε²) of the coding rate of n samples
// of C channels per bin (for a vector net, C = d at its one bin).
func rateCoef(dim, n int, epsSq float64) float64 {
	return float64(dim) / (float64(n) * epsSq)
}

// classRows returns, for each label in 0..k−1, the indices of its samples in
// order.
func classRows(labels []int, k int) [][]int {
	rows := make([][]int, k)
	for i, y := range labels {
		rows[y] = append(rows[y], i)
	}
	return rows
}

// combineRates is the one place where the rate formula is assembled, for
// every kind of feature. ldAll is the (weighted) log-determinant sum of the
// whole set and ldClass[j] that of class j, both already divided by the
// number of blocks they sum over (1 for vectors, B bins for multichannel
// features); counts[j] = m_j of the labels passed. Classes with m_j = 0 are
// skipped (their ldClass is ignored).
//
//	R  = ½·ldAll
//	Rc = Σ_j (m_j/m)·½·ldClass[j]
func combineRates(ldAll float64, ldClass []float64, counts []int) Rates {
	m := 0
	for _, c := range counts {
		m += c
	}
	r := 0.5 * ldAll
	rc := 0.0
	for j, c := range counts {
		if c > 0 {
			rc += float64(c) / float64(m) * 0.5 * ldClass[j]
		}
	}
	return Rates{DeltaR: r - rc, R: r, Rc: rc}
}

// softAssign is the step shared by every layer, vector or multichannel: from
// the norms n_j = ‖C_j z‖ of one sample (clamped below at 1e-8, and above
// at the largest float64 so that a gap λ·Δn is never Inf − Inf) it computes
// π̂ = softmax(−λ·n) and writes the coefficients of the update
//
//	z' = z + coef[0]·E z + Σ_j coef[j+1]·C_j z,   coef[0] = η,  coef[j+1] = −η·γ_j·π̂_j
//
// It returns the layer's prediction ŷ = argmax π̂ (the first one on ties).
// norms is overwritten with π̂. With hard, π̂ is one-hot at the smallest
// norm (the first of equal ones), the limit λ → ∞. With label ≥ 0 the
// coefficients are those of the one-hot π̂ of that class (Params.Oracle),
// while norms and ŷ stay those of the estimate.
func softAssign(coef, norms, gamma []float64, lambda, eta float64, hard bool, label int) int {
	best := assign(norms, lambda, hard)
	coef[0] = eta
	for j, p := range norms {
		if label >= 0 {
			p = 0
			if j == label {
				p = 1
			}
		}
		coef[j+1] = -eta * gamma[j] * p
	}
	return best
}

// assign overwrites the norms of one sample with π̂ and returns its argmax
// (see softAssign).
func assign(norms []float64, lambda float64, hard bool) int {
	if hard {
		best := 0
		for j, n := range norms {
			if n < norms[best] {
				best = j
			}
		}
		for j := range norms {
			norms[j] = 0
		}
		norms[best] = 1
		return best
	}
	// −λ·n_j is largest where n_j is smallest: subtract that maximum before
	// exponentiating (the gaps λ·Δn are in the hundreds).
	nmin := math.Inf(1)
	for j, n := range norms {
		n = min(math.Max(n, 1e-8), math.MaxFloat64)
		norms[j] = n
		nmin = math.Min(nmin, n)
	}
	var best int
	sum := 0.0
	for j, n := range norms {
		e := math.Exp(-lambda * (n - nmin))
		norms[j] = e
		sum += e
	}
	best = 0
	for j, e := range norms {
		norms[j] = e / sum
		if norms[j] > norms[best] {
			best = j
		}
	}
	return best
}
