package eval

import "fmt"

// Options are the parameters of the registered classifiers. The zero value
// gives every classifier its default.
type Options struct {
	// Rank is the subspace rank r of the nearest-subspace classifier; 0
	// means 10, the rank of the paper's MNIST experiments.
	Rank int
	// K is the number of neighbours of the k-NN classifier; 0 means 5.
	K int
}

// registration is one classifier of the registry: its name and how to make
// it from the options.
type registration struct {
	name string
	make func(Options) Classifier
}

// registry lists the classifiers of the evaluation protocol in the order of
// its tables. A new classifier is added here, and only here (with a field in
// Options if it takes a parameter).
var registry = []registration{
	{"nearest-subspace", func(o Options) Classifier {
		r := o.Rank
		if r == 0 {
			r = 10
		}
		return &NearestSubspace{Rank: r}
	}},
	{"knn", func(o Options) Classifier { return &KNN{K: o.K} }},
	{"svm", func(Options) Classifier { return &LinearSVM{} }},
}

// Classifiers returns the names of the registered classifiers, in the order
// of the evaluation tables: nearest-subspace, knn, svm. The caller may modify
// the returned slice.
func Classifiers() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}

// New returns a new, unfitted classifier of the registry by name, with the
// parameters of opt. It returns an error for a name that is not registered.
func New(name string, opt Options) (Classifier, error) {
	for _, r := range registry {
		if r.name == name {
			return r.make(opt), nil
		}
	}
	return nil, fmt.Errorf("eval: unknown classifier %q (the classifiers are %v)", name, Classifiers())
}
