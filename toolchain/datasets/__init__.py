"""Public corpora read in place from the shared datasets folder (see `mbpp_dfy`)."""
