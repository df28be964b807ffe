package suggest

func (r *reader) applyRules() {}
