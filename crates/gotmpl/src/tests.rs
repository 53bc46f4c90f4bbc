//! Unit tests: expected outputs and error texts were produced by the real Go engine
//! (helm 4.3.1's `helm template`, Go 1.27) unless a comment says otherwise.

mod api;
mod harness;
mod robustness;
mod smoke;
mod vectors1;
mod vectors2;
mod vectors3;
