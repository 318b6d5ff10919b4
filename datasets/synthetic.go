package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// synthOptions is the part of the options that only the synthetic sources
// of Load read.
type synthOptions struct {
	seed   uint64  // seed of the "train" split; "test" uses seed+1
	noise  float64 // σ of the Gaussians, noise of the sinusoids
	length int     // length of a sinusoid
}

// defaultSynthOptions are the settings of the paper's experiments.
var defaultSynthOptions = synthOptions{seed: 1, noise: 0.1, length: 150}

// Seed sets the seed from which the synthetic sources of Load (gaussian2d,
// gaussian3d, sinusoid) draw their "train" split; "test" is drawn from
// seed+1. The default is 1. Loaders of other sources ignore it.
func Seed(seed uint64) Option {
	return func(o *options) { o.synth.seed = seed }
}

// Noise sets the noise level of the synthetic sources of Load: the σ of
// gaussian2d and gaussian3d, and the standard deviation of the noise added
// to sinusoid. The default is 0.1, the paper's setting; a negative or
// non-finite value makes Load return an error. Loaders of other sources
// ignore it.
func Noise(sigma float64) Option {
	return func(o *options) { o.synth.noise = sigma }
}

// SignalLength sets the number of samples t of each signal of the sinusoid
// source of Load (t <= 0 keeps the default, 150, the paper's setting).
// Loaders of other sources ignore it.
func SignalLength(t int) Option {
	return func(o *options) {
		if t <= 0 {
			t = defaultSynthOptions.length
		}
		o.synth.length = t
	}
}

// keepSamples keeps, in place and in order, the samples i of s (of label
// label) for which keep(i, label) is true.
func keepSamples(s *Set, keep func(i, label int) bool) {
	d, n := s.Dim(), 0
	for i, l := range s.Labels {
		if keep(i, l) {
			copy(s.X[n*d:(n+1)*d], s.X[i*d:(i+1)*d])
			s.Labels[n] = l
			n++
		}
	}
	s.X, s.Labels = slices.Clip(s.X[:n*d]), slices.Clip(s.Labels[:n])
}

// loadSynthetic draws split ("train" or "test") of the synthetic source
// called source with draw, perClass samples of each class (or the count
// PerClass sets), and applies Classes and Limit. The set is renamed after what draw
// names it and split, such as "gaussian-circle/train". It returns an error
// if the noise level is negative or not finite, instead of letting draw
// panic.
func loadSynthetic(source, split string, perClass int, opts []Option, draw func(perClass int, o synthOptions, seed uint64) *Set) (*Set, error) {
	o := newOptions(opts)
	if n := o.synth.noise; !(n >= 0) || math.IsInf(n, 0) {
		return nil, fmt.Errorf("datasets: %s: noise level %v, want a finite value >= 0", source, n)
	}
	if err := o.checkShard(source); err != nil {
		return nil, err
	}
	if o.perClass > 0 {
		perClass = o.perClass
	}
	seed := o.synth.seed
	if split == "test" {
		seed++
	}
	s := draw(perClass, o.synth, seed)
	s.Name += "/" + split
	if o.classes != nil {
		whole := o
		whole.shard, whole.shards = 0, 1 // sharded below, after Limit
		sel, err := whole.newSelector(source, len(s.Classes))
		if err != nil {
			return nil, err
		}
		keepSamples(s, func(_, label int) bool { return sel.take(label) })
	}
	if o.limit > 0 && o.limit < s.Len() {
		s.X = s.X[: o.limit*s.Dim() : o.limit*s.Dim()]
		s.Labels = s.Labels[:o.limit:o.limit]
	}
	if o.shards > 1 {
		keepSamples(s, func(i, _ int) bool { return o.mine(i) })
	}
	return s, nil
}

// GaussianCircle returns the two-class set of the Gaussian 2-D experiment:
// class k (named "e1" and "e2") holds points drawn from N(e_k, σ²I) around
// the centres e1 = (1,0) and e2 = (0,1), then projected to the unit circle
// by dividing by their norm. Samples have shape [2]. Each sample takes two
// normal draws, x then y; a draw at the origin (probability 0) is redrawn.
// The set is named "gaussian-circle"; the paper uses σ = 0.1 and 500 samples
// per class.
//
// Like the other synthetic sets of the paper's experiments (GaussianSphere,
// Sinusoids), it is drawn from rand.New(rand.NewPCG(seed, 0x5eed)), so a
// seed always gives the same set, and holds perClass samples of each class
// grouped by class: all of class 0 first, then all of class 1, and so on.
// Load names these sets as sources: gaussian2d, gaussian3d and sinusoid.
// It panics (a programming error) if perClass is negative or sigma is
// negative or not finite.
func GaussianCircle(perClass int, sigma float64, seed uint64) *Set {
	return gaussianSphere("gaussian-circle", 2, perClass, sigma, seed)
}

// GaussianSphere returns the three-class set of the Gaussian 3-D
// experiment: as GaussianCircle, in R³ with the centres e1, e2 and e3
// (classes "e1", "e2", "e3"), projected to the unit sphere. Samples have
// shape [3]. The set is named "gaussian-sphere". It panics as
// GaussianCircle does.
func GaussianSphere(perClass int, sigma float64, seed uint64) *Set {
	return gaussianSphere("gaussian-sphere", 3, perClass, sigma, seed)
}

// gaussianSphere draws perClass points around each of the d standard basis
// vectors of R^d with noise σ and projects them to the unit sphere.
func gaussianSphere(name string, d, perClass int, sigma float64, seed uint64) *Set {
	checkSynthetic(name, perClass, "sigma", sigma)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	s := &Set{
		Name:    name,
		X:       make([]float64, d*d*perClass),
		Shape:   []int{d},
		Labels:  make([]int, d*perClass),
		Classes: make([]string, d),
	}
	for k := range d {
		s.Classes[k] = fmt.Sprintf("e%d", k+1)
		for i := range perClass {
			n := k*perClass + i
			s.Labels[n] = k
			x := s.X[n*d : (n+1)*d]
			for {
				norm := 0.0
				for j := range x {
					x[j] = sigma * rng.NormFloat64()
					if j == k {
						x[j]++
					}
					norm += x[j] * x[j]
				}
				if norm > 0 {
					norm = math.Sqrt(norm)
					for j := range x {
						x[j] /= norm
					}
					break
				}
			}
		}
	}
	return s
}

// Sinusoids returns the two-class set of the sinusoid experiment: signals
// of t samples on the grid x_j = 2π·j/t, j = 0, …, t−1 (one period, the end
// point 2π excluded, so that a change of phase by 2π/t is exactly a cyclic
// shift by one sample). Class 0, "sin", is sin(x_j + φ); class 1, "square",
// is sign(sin(x_j + φ)) (with sign(0) = 0). Each signal has its own phase
// φ drawn uniformly from [0, 2π), and independent N(0, noise²) noise added
// to every sample (the paper uses noise = 0.1 and t = 150). Samples have
// shape [1, t]. Each signal takes one uniform draw for φ, then t normal
// draws in order. The set is named "sinusoids". Seeding and the order of
// the samples are as for GaussianCircle.
//
// Sinusoids panics if t < 1, perClass < 0 or noise is negative or not
// finite.
func Sinusoids(perClass, t int, noise float64, seed uint64) *Set {
	checkSynthetic("sinusoids", perClass, "noise", noise)
	if t < 1 {
		panic(fmt.Sprintf("datasets: sinusoids: signal length %d, want >= 1", t))
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	s := &Set{
		Name:    "sinusoids",
		X:       make([]float64, 2*perClass*t),
		Shape:   []int{1, t},
		Labels:  make([]int, 2*perClass),
		Classes: []string{"sin", "square"},
	}
	for k := range 2 {
		for i := range perClass {
			n := k*perClass + i
			s.Labels[n] = k
			x := s.X[n*t : (n+1)*t]
			phi := 2 * math.Pi * rng.Float64()
			for j := range x {
				v := math.Sin(2*math.Pi*float64(j)/float64(t) + phi)
				if k == 1 {
					v = signum(v)
				}
				x[j] = v + noise*rng.NormFloat64()
			}
		}
	}
	return s
}

// signum returns -1, 0 or 1 as v is negative, zero or positive.
func signum(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// checkSynthetic panics if perClass is negative or the noise level is
// negative or not finite.
func checkSynthetic(name string, perClass int, noiseName string, noise float64) {
	if perClass < 0 {
		panic(fmt.Sprintf("datasets: %s: negative perClass %d", name, perClass))
	}
	if !(noise >= 0) || math.IsInf(noise, 0) {
		panic(fmt.Sprintf("datasets: %s: %s = %v, want a finite value >= 0", name, noiseName, noise))
	}
}
