package redunet

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Params are the hyper-parameters of a ReduNet. They are the same for the
// vector and the multichannel networks.
type Params struct {
	// Eta is the step size η of the gradient-ascent step of every layer.
	Eta float64
	// EpsSq is ε², the SQUARED distortion of the coding rate. It is what the
	// authors' code calls "eps" (its flags say "eps squared"). Default 0.1;
	// at least 2^−500 (Validate) and, for a net of C channels, C·2^−500
	// (NewNet), so that a = C/(m·ε²) ≤ 2^500 for every group.
	EpsSq float64
	// Lambda is λ, the sharpness of the soft class assignment
	// π̂ = softmax(−λ·‖C_j z‖).
	Lambda float64
	// Layers is the number of layers L.
	Layers int
	// Precision is the arithmetic of the layers' application: "" or
	// "float64" (the default, in which the goldens hold), or "float32",
	// opt-in: samples held in single precision between layers (complex64
	// spectra), the forward step's products in float32 (twice the SIMD
	// width), half the memory of the sets. The statistics and
	// factorisations run in float64 either way; the operators are rounded
	// to float32 for the application. A model records it.
	Precision string `json:",omitempty"`
	// Hard makes the assignment hard: π̂ is one-hot at the smallest
	// ‖C_j z‖ (the first of equal ones), the limit λ → ∞; Lambda is then
	// not used. An ablation of the paper's soft assignment.
	Hard bool `json:",omitempty"`
	// Oracle moves every training sample with its true label as π̂ (one-hot)
	// instead of its estimated assignment; evaluation samples, which have
	// no label, keep theirs, and ŷ stays the estimate's argmax. An
	// ablation: it shows what the estimated assignment costs.
	Oracle bool `json:",omitempty"`
}

// The values of Params.Precision.
const (
	Float64 = "float64"
	Float32 = "float32"
)

// single reports whether p asks for the float32 path.
func (p Params) single() bool { return p.Precision == Float32 }

// DefaultParams returns the paper's defaults: η = 0.5, ε² = 0.1, λ = 500,
// with the given number of layers.
func DefaultParams(layers int) Params {
	return Params{Eta: 0.5, EpsSq: 0.1, Lambda: 500, Layers: layers}
}

// minEpsSq is the smallest ε² Validate accepts: any net may meet a group
// of one sample (a class with one predicted sample), whose rate
// coefficient a = C/ε² ≥ 1/ε² must not exceed 2^500 (see maxRateCoef). A
// net of C channels needs ε² ≥ C·2^−500, which NewNet and Build check.
const minEpsSq = 0x1p-500

// Validate reports every parameter that is out of range in one error that
// names each ("redunet: eta (η) = 0, want a finite value > 0; …"); nil if
// all are valid.
func (p Params) Validate() error {
	var bad []string
	check := func(name string, v float64, ok bool, want string) {
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			bad = append(bad, fmt.Sprintf("%s = %v, want %s", name, v, want))
		}
	}
	check("eta (η)", p.Eta, p.Eta > 0, "a finite value > 0")
	check("eps2 (ε²)", p.EpsSq, p.EpsSq >= minEpsSq, "a finite value ≥ 2^-500 ≈ 3.05e-151 (a class of one sample of C channels has a = C/(m·ε²) = C/ε², which must stay below 2^500)")
	check("lambda (λ)", p.Lambda, p.Lambda >= 0, "a finite value ≥ 0")
	if p.Layers < 0 {
		bad = append(bad, fmt.Sprintf("layers = %d, want ≥ 0", p.Layers))
	}
	if p.Precision != "" && p.Precision != Float64 && p.Precision != Float32 {
		bad = append(bad, fmt.Sprintf("precision = %q, want %q or %q", p.Precision, Float64, Float32))
	}
	if bad == nil {
		return nil
	}
	return errors.New("redunet: " + strings.Join(bad, "; "))
}
