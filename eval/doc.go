// Package eval holds the classifiers of the evaluation protocol: the
// classifiers that measure how well a set of features (raw inputs or the
// output of a ReduNet) separates the classes.
//
// # Data layout
//
// Features are a flat, row-major []float64 with d columns: rows are samples.
// Labels are ints in 0..k−1. Every classifier follows the same pattern as
// gonum's stat.PC: a plain struct of parameters whose zero value is usable
// (defaults are filled in), then Fit on the training rows, then queries
// (Predict, and per-classifier extras such as decision values or residuals).
//
// # The protocol
//
// Features are flattened and each row is L2-normalised first (NormalizeRows,
// norm clamped below at 1e-8). Classifiers are fit on the unshifted training
// features and report accuracy (Accuracy) on the training set, the test set
// and the all-shifts test set. Three classifiers are used:
//
//   - LinearSVM: one-vs-rest, L2-regularised squared hinge loss, C = 1, with
//     an intercept in liblinear's sense (a constant feature 1 whose weight is
//     regularised too), solved by dual coordinate descent — the problem that
//     liblinear's default (and scikit-learn's LinearSVC) solves.
//   - KNN: k = 5 nearest training rows by cosine similarity, majority vote.
//   - NearestSubspace: per class, the span of the top-r right singular vectors
//     of the class's training rows (no centring); a sample goes to the class
//     whose subspace leaves the smallest residual.
//
// # The registry
//
// The classifiers of the protocol are registered by name, in the order of
// its tables: "nearest-subspace", "knn", "svm". [Classifiers] lists the
// names and [New] makes an unfitted classifier from [Options] (the subspace
// rank, the number of neighbours), so that a program running the protocol
// keeps no list of its own: a new classifier is registered in one place and
// appears in every table.
//
// # Failures
//
// Shape mismatches (a data length that is not a multiple of d, labels and
// rows of different counts, a dst of the wrong length, Predict before Fit)
// are programmer errors and panic with an "eval: " prefix. Bad input — a
// label out of range, a non-finite value, an invalid parameter, a class with
// no training rows where the classifier needs one — is returned as an error
// from Fit.
//
// All classifiers are deterministic: the same data and parameters give the
// same predictions regardless of the number of CPUs.
package eval
