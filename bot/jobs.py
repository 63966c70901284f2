"""Every background job's name, in one place, with the cog that registers it.

A service whose change means a job must re-plan says so through ``bot.services.changes``
(which knows which job each kind of change concerns); cogs poke the rest by these names.
"""

from __future__ import annotations

POSTS_JOB = "group-posts"  # cogs/rhythm.py: the weekly check-in, prompt, recap, leaderboard
REMINDER_JOB = "followup-reminders"  # cogs/followups.py: follow-up reminder DMs
NUDGES_JOB = "inactivity-nudges"  # cogs/rhythm.py: one kind DM after a quiet stretch
EXERCISE_NUDGE_JOB = "exercise-nudges"  # cogs/exercises.py: a paused exercise, three days on
WELCOME_JOB = "welcomes"  # cogs/community.py: a welcome that failed when the bot joined
INTERVIEW_DAY_JOB = "interview-day"  # the interview-day card, the morning of an interview
NETWORK_JOB = "group-network"  # cheers digests, partner cycles and check-ins, introductions

ALL_JOBS = (
    POSTS_JOB,
    REMINDER_JOB,
    NUDGES_JOB,
    EXERCISE_NUDGE_JOB,
    WELCOME_JOB,
    INTERVIEW_DAY_JOB,
    NETWORK_JOB,
)
