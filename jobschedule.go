package rcm

import "time"

// JobSchedule is how often one kind of scheduled work (a clearinghouse
// poll, a statement run) runs for one organization. An organization
// without one for a kind runs it on the kind's default period; an admin
// changes the period or turns the work off.
type JobSchedule struct {
	OrgID int64
	// Kind is the job kind, for example "clearinghouse_poll".
	Kind    string
	Every   time.Duration
	Enabled bool
}

// MinJobPeriod is the shortest period a schedule may have: the scheduler
// looks at the schedules about this often.
const MinJobPeriod = time.Minute

// Validate checks a schedule as an admin gave it.
func (s JobSchedule) Validate() error {
	if s.Kind == "" {
		return Errorf(EINVALID, "Name the kind of job the schedule is for.")
	}
	if s.Enabled && s.Every < MinJobPeriod {
		return Errorf(EINVALID, "A schedule runs at most once a minute: %s is too often.", s.Every)
	}
	if s.Every > 366*24*time.Hour {
		return Errorf(EINVALID, "A schedule runs at least once a year: %s is too long.", s.Every)
	}
	return nil
}
