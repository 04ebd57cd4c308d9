"""Questions with what their answer must be about, for the understanding matrix.

A question names the answer it expects (one of :data:`EXPECTED_ANSWERS`) and the things that
answer must be about, by their keys in the built-in data (``store/data``); the matrix test turns
that into what the user must read in the reply, and what must never be there (another
municipality, task or agreement).
"""

from __future__ import annotations

from dataclasses import dataclass

# answer → what it shows (the kinds of things it is about, in brackets optional)
EXPECTED_ANSWERS: dict[str, str] = {
    # agreements
    "agreements_of_municipality": "the agreements of one municipality (municipality)",
    "agreement_signers": "who has / has not signed one agreement (agreement, [region])",
    "agreement_count": "how many have / have not signed one agreement, number first (agreement)",
    "municipality_agreement_status": "whether one municipality signed one agreement "
    "(municipality, agreement)",
    "agreement_deadline": "the deadline of one agreement (agreement)",
    "solution_agreements": "the agreements of one solution/project (solution)",
    # KLIK tasks
    "task_status": "one KLIK task: what it is, dates, status counts (task)",
    "task_who": "who has / has not completed one KLIK task (task)",
    "municipality_tasks": "the KLIK tasks of one municipality (municipality)",
    "solution_tasks": "the KLIK tasks of one solution/project (solution)",
    # deadlines
    "deadlines": "what is due in a period, [for one municipality] (period text, [municipality])",
    # frozen zones
    "frozen_next": "when the next frozen zone is",
    "frozen_now": "whether we are in a frozen zone now",
    "frozen_blocked": "what cannot be done / is closed in a frozen zone",
    # meetings
    "meeting_next": "the next programme-leader meeting",
    "meeting_last": "the latest programme-leader meeting",
    "meeting_agenda": "a meeting's agenda ([meeting])",
    "meeting_actions": "the programme leaders' tasks from a meeting ([meeting])",
    "meeting_in_period": "the meeting(s) in a past month/date (meeting)",
    # contacts
    "contact": "whom to contact about a topic or solution (contact address)",
    # rollout
    "rollout_when": "when a municipality went live / its wave (municipality, [solution])",
    "rollout_wave": "which municipalities were in a wave (wave code)",
    # visits
    "visits": "KOMBIT's visits to municipalities ([municipality])",
    # profile and reports
    "register": "the user says which municipality they lead (municipality)",
    "whoami": "the user asks which municipality they are registered for",
    "forget_me": "the user asks to be forgotten",
    "self_report": "the user reports that their municipality signed/completed something "
    "(municipality or 'we', agreement or task)",
    # the bot itself
    "ask_back": "a name that is one typo from two things: 'Mente du A eller B?' (candidates)",
    "not_answerable": "a question the data cannot answer: says so and offers what it can",
}


@dataclass(frozen=True, slots=True)
class Q:
    """One question and what its answer must be about.

    ``municipality``, ``agreement``, ``task``, ``solution``, ``contact``, ``meeting``: keys in
    the built-in data (municipalities.csv ``name``, agreements.csv ``agreement_id``,
    klik_tasks.csv ``task_id``, solutions.csv ``code``, contacts.csv ``address``,
    meetings.csv ``meeting_id``); ``wave``: a rollout_waves.csv ``wave``; ``candidates``: the
    municipality names an ask-back must offer; ``register``: say "jeg er programleder i …"
    first (for questions with "vi"/"we"); ``lang``: the language the answer must be in.
    """

    text: str
    expect: str
    municipality: str | None = None
    agreement: str | None = None
    task: str | None = None
    solution: str | None = None
    contact: str | None = None
    meeting: str | None = None
    wave: str | None = None
    region: str | None = None
    candidates: tuple[str, ...] = ()
    register: str | None = None
    lang: str = "da"

    def __post_init__(self) -> None:
        if self.expect not in EXPECTED_ANSWERS:
            raise ValueError(f"unknown answer {self.expect!r} for {self.text!r}")
