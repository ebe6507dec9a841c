"""Resources: at every moment the sessions running use no more of a resource than
the conference has (``resources:`` in conference.yaml; a session's ``uses``, and the
interpreter team its ``interpretation`` implies: ``Conference.uses``). A cumulative
rule: a multi-slot session holds what it uses for its whole length.

Requirement ``resources:<resource>@<session>``: the session's use of the resource (a
committee can drop the interpretation, or lend the session other equipment). The
quantity itself is not a requirement: the sentences say how many there are, and the
fix names adding more.
"""
from __future__ import annotations

from .base import Reason, Requirement, Restriction, Rule, Tracker, uniq, where_of
from .pins import key as pin_key
from .words import join, listing, plural, session_label, when

RULE_NAME = "resources"


def key(resource: str, sid: str) -> str:
    return f"{RULE_NAME}:{resource}@{sid}"


def resource_label(name: str) -> str:
    """``interpreters-es-en`` -> "the Spanish–English interpreters"; any other name as written."""
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "interpreters":
        try:
            from babel import Locale
            names = Locale("en").languages
            a, b = names.get(parts[1]), names.get(parts[2])
        except Exception:   # pragma: no cover - Babel is a dependency; a name it lacks stays as written
            a = b = None
        if a and b:
            return f"the {a}–{b} interpreters ({name})"
    return name


def written(s, resource: str) -> str:
    """Where the session's use of ``resource`` is written: its ``uses`` entry, else its interpretation."""
    for k in (f"uses.{resource}", "uses", "interpretation"):
        if k in s.where_keys:
            return s.where_keys[k]
    return s.where


def users(conf) -> dict[str, dict[str, int]]:
    """Declared resource -> session id -> how much of it the session uses."""
    out: dict[str, dict[str, int]] = {}
    for s in conf.sessions:
        for r, n in conf.uses(s).items():
            if r in conf.resource:
                out.setdefault(r, {})[s.id] = n
    return out


def _users(space) -> dict[str, dict[int, int]]:
    """Per space (cached): resource -> session index -> use."""
    got = space.__dict__.get("_resource_users")
    if got is None:
        got = {r: {space.index[sid]: n for sid, n in per.items() if sid in space.index}
               for r, per in users(space.conf).items()}
        space.__dict__["_resource_users"] = got
    return got


class ResourceLoad(Tracker):
    """Per resource and segment, what the sessions placed there use; a session is
    admitted to a segment when every resource it uses still has enough."""

    def __init__(self, space, times):
        conf = space.conf
        self.quantity = conf.resource
        self.uses: list[tuple[tuple[str, int], ...]] = [() for _ in space.sessions]
        for r, per in _users(space).items():
            for i, n in per.items():
                self.uses[i] += ((r, n),)
        self.load: list[dict[str, int]] = [dict() for _ in space.segments]
        self.held: list[set[int]] = [set() for _ in space.segments]

    def admit(self, g: int, i: int, k: int) -> bool:
        uses = self.uses[i]
        if not uses:
            return True
        load = self.load[g]
        if any(load.get(r, 0) + n > self.quantity[r] for r, n in uses):
            return False
        for r, n in uses:
            load[r] = load.get(r, 0) + n
        self.held[g].add(i)
        return True

    def release(self, g: int, i: int) -> None:
        if i in self.held[g]:
            self.held[g].discard(i)
            load = self.load[g]
            for r, n in self.uses[i]:
                load[r] -= n


class Resources(Rule):
    name = RULE_NAME
    drop_rank = 5

    def requirements(self, conf):
        for r, per in users(conf).items():
            for sid in per:
                s = conf.session[sid]
                yield Requirement(key(r, sid), self.name, session=sid, resource=r, where=written(s, r))

    # -- unary: a session that needs more than there is never runs ---------------------------
    def start_forbids(self, grid, s, date, start, run):
        conf = grid.conf
        return [frozenset({key(r, s.id)}) for r, n in conf.uses(s).items() if n > conf.resource.get(r, n)]

    def allows_start(self, grid, s, date, start, run) -> bool:
        conf = grid.conf
        return all(n <= conf.resource.get(r, n) for r, n in conf.uses(s).items())

    # -- pairwise: two sessions that together need more than there is never overlap ----------
    def pairs(self, conf):
        seen = set()
        for r, per in users(conf).items():
            q = conf.resource[r]
            ids = sorted(per)
            for x, a in enumerate(ids):
                for b in ids[x + 1:]:
                    if per[a] + per[b] > q and per[a] <= q and per[b] <= q and (a, b) not in seen:
                        seen.add((a, b))
                        yield a, b

    def tracker(self, space, times):
        return ResourceLoad(space, times) if _users(space) else None

    def segment_caps(self, space, g, items):
        """At most floor(quantity / smallest use) of the items that use a resource run in g."""
        out = []
        for r, per in _users(space).items():
            inside = [a for a, (i, _) in enumerate(items) if i in per]
            if not inside:
                continue
            cap = space.conf.resource[r] // min(per[items[a][0]] for a in inside)
            if len({items[a][0] for a in inside}) > cap:
                out.append((inside, cap))
        return out

    def encode(self, m) -> None:
        space = m.space
        for r, per in sorted(_users(space).items()):
            q = space.conf.resource[r]
            members = {i for i in per if i in m.active and not m.dropped(key(r, space.sessions[i].id))}
            if not members:
                continue
            for g in range(len(space.segments)):
                per_session: dict[int, list] = {}
                for i, _, lit in m.covering(g, members):
                    per_session.setdefault(i, []).append(lit)
                if sum(per[i] for i in per_session) <= q:
                    continue
                terms = []
                for i, lits in sorted(per_session.items()):
                    guard = m.guard(key(r, space.sessions[i].id))
                    if guard is None:
                        terms.append(per[i] * sum(lits))
                        continue
                    w = m.cp.new_bool_var(f"uses[{r},{space.sessions[i].id},{g}]")
                    m.cp.add(sum(lits) <= w).only_enforce_if(guard)
                    terms.append(per[i] * w)
                m.cp.add(sum(terms) <= q)

    # -- explanation -----------------------------------------------------------------------------
    def prechecks(self, pc) -> list[Reason]:
        """Sessions forced into one time that together need more than there is (pins),
        and more use than the whole grid holds."""
        conf, grid = pc.conf, pc.grid
        out = []
        for r, per in sorted(users(conf).items()):
            q = conf.resource[r]
            sessions = [conf.session[sid] for sid in sorted(per) if sid in pc.placeable_ids]
            # the segments every allowed placement of a session covers: the time it cannot avoid
            space = pc.space
            forced: dict[int, list] = {}
            for sess in sessions:
                opts = space.options[space.index[sess.id]]
                if opts:
                    for g in sorted(frozenset.intersection(*(o.segset for o in opts))):
                        forced.setdefault(g, []).append(sess)
            for g, group in sorted(forced.items()):
                need = sum(per[x.id] for x in group)
                if need <= q:
                    continue
                d, a, _ = space.segments[g]
                ids = tuple(x.id for x in group)
                # what holds them there, when it is a pin (other unary rules are named by the explanation)
                keys = [pin_key(x.id) for x in group if pin_key(x.id) in pc.requirements]
                if len(group) == 2 and len(keys) == 2:
                    continue   # two pins that clash: the pin pre-check says it (clash_reason)
                out.append(Reason(self.name,
                                  f"{len(group)} sessions ({listing(session_label(x) for x in group)}) must "
                                  f"{'both' if len(group) == 2 else 'all'} run "
                                  f"at {when(conf.days[d].date, a)} and need {need} of {resource_label(r)}, and there "
                                  f"{'is' if q == 1 else 'are'} {q}.",
                                  f"Move a pin, add to {r} in conference.yaml's resources, or drop the "
                                  "interpretation of one of them.", sessions=ids,
                                  requirements=tuple(keys + [key(r, x) for x in ids]),
                                  where=uniq([pc.requirements[k].where for k in keys] + [written(x, r) for x in group]),
                                  title="resource overload"))
                break   # one moment per resource says it
            # more use over the conference than the resource holds over all its slots
            slots = [sl for sl in conf.slots if not (grid.has_plenary_slots and sl.is_plenary)]
            regular = [s for s in sessions if not (grid.has_plenary_slots and s.is_plenary)]
            demand = sum(per[s.id] * min((len(run) for _, _, run in pc.runs(s)), default=0) for s in regular)
            if regular and demand > q * len(slots) and not any(x.rule == self.name and r in x.sentence for x in out):
                out.append(Reason(self.name,
                                  f"{plural(len(regular), 'session')} use {resource_label(r)} for {demand} slots in "
                                  f"all, but {q} over {plural(len(slots), 'slot')} cover only {q * len(slots)}.",
                                  f"Add to {r} in conference.yaml's resources, add slots, or drop the "
                                  "interpretation of some sessions.", sessions=tuple(s.id for s in regular),
                                  requirements=tuple(key(r, s.id) for s in regular),
                                  where=uniq(written(s, r) for s in regular),
                                  title="resource overload"))
        return out

    def restriction(self, pc, s, keys, subject):
        conf = pc.conf
        over = [(r, n) for r, n in conf.uses(s).items() if key(r, s.id) in keys and n > conf.resource.get(r, n)]
        if not over:
            return None
        return Restriction(parts=[f"{subject} uses {n} of {resource_label(r)}, and there "
                                  f"{'is' if conf.resource[r] == 1 else 'are'} {conf.resource[r]}" for r, n in over],
                           fixes=[f"add to {r} in conference.yaml's resources" for r, _ in over]
                           + ["lower the session's use"],
                           where=[written(s, r) for r, _ in over])

    def clash_reason(self, pc, a, b, both, keys, where):
        conf = pc.conf
        ua, ub = conf.uses(a), conf.uses(b)
        for r in sorted(set(ua) & set(ub) & set(conf.resource)):
            if ua[r] + ub[r] > conf.resource[r]:
                q = conf.resource[r]
                return Reason(self.name, f"{both}, and together they need {ua[r] + ub[r]} of {resource_label(r)}, "
                              f"of which there {'is' if q == 1 else 'are'} {q}.",
                              f"Move or remove one of the two pins, or add to {r} in conference.yaml's resources.",
                              sessions=(a.id, b.id), requirements=tuple(keys + [key(r, a.id), key(r, b.id)]),
                              where=uniq(where + [written(x, r) for x in (a, b)]),
                              title="pin clash")
        return None

    def describe(self, conf, reqs) -> list[Reason]:
        out = []
        mine = [x for x in reqs if x.rule == self.name]
        for r in sorted({x.resource for x in mine}):
            parts = [x for x in mine if x.resource == r]
            sessions = [conf.session[x.session] for x in parts]
            q = conf.resource[r]
            per = users(conf)[r]
            are = f"there {'is' if q == 1 else 'are'} {q}"
            if len(sessions) > 1 and all(per[s.id] == 1 for s in sessions):
                sentence = (f"{join(session_label(s) for s in sessions)} each use one of {resource_label(r)}, and "
                            f"{are}: no more than {q} of them can run at once.")
            elif len(sessions) > 1:
                sentence = (f"{join(f'{session_label(s)} uses {per[s.id]}' for s in sessions)} of "
                            f"{resource_label(r)}, and {are}: they cannot all run at once.")
            else:
                sentence = f"{session_label(sessions[0])} uses {per[sessions[0].id]} of {resource_label(r)}, and {are}."
            out.append(Reason(self.name, sentence,
                              f"Add to {r} in conference.yaml's resources, or drop the interpretation "
                              f"(or use) of {'one of these sessions' if len(sessions) > 1 else 'the session'}.",
                              sessions=tuple(s.id for s in sessions), requirements=tuple(x.key for x in parts),
                              where=where_of(parts), title="resource"))
        return out


RULE = Resources()
