"""`jisr referral import FILE…` · `jisr referral export --partner NAME --dir DIR` ·
`jisr referral deliver` · `jisr referral list`.

`import` takes `.jisr` files carried by hand (USB, e-mail) through exactly the checks of the HTTP inbox.
`export` writes every envelope still waiting for a partner as `<message id>.jisr` (no personal data in
names or bytes). `deliver` is the periodic job (cron / systemd timer, every few minutes): it retries
due deliveries with back-off, expires unanswered referrals, cancels those whose consent lapsed, and
prunes the replay cache of envelope ids that expired (never the id of an envelope still valid).
`list` prints ids, directions and states only.

`demo_pair --peer-data-dir DIR --peer-url URL [--url URL]` (development only, loopback only) pairs this
instance (demo-ma) with a second local instance (demo-es, its own JISR_DATA_DIR) for the README's
"Trying a cross-border referral on one machine": keys on both sides if missing, each in the other's
partner directory ("Demo ES" here, "Demo MA" there) and both fingerprints confirmed. Between real
partners a person confirms a fingerprint only after hearing it read aloud; on one machine both
instances are ours, so the command checks them itself and says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jisr.accounts.models import Organisation
from jisr.common.errors import StateError
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.demo import demo_instance_name
from jisr.referrals.models import OutboundMessage, Partner, Referral

INBOX_PATH = "/api/v1/referrals/inbox/"


class Command(BaseCommand):
    help = "Import/export .jisr envelope files, run deliveries, list referrals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("files", nargs="+")
        exp = sub.add_parser("export")
        exp.add_argument("--partner", required=True)
        exp.add_argument("--dir", required=True)
        sub.add_parser("deliver")
        sub.add_parser("list")
        pair = sub.add_parser("demo_pair", help="development: pair with a second local demo instance")
        pair.add_argument("--peer-data-dir", required=True, help="the other instance's JISR_DATA_DIR (migrated)")
        pair.add_argument("--peer-url", required=True, help="the other instance's address, http://127.0.0.1:PORT")
        pair.add_argument("--url", default="http://127.0.0.1:8000", help="this instance's address")
        pair.add_argument("--organisation", default="demo-ma", help="our organisation's slug")
        pair.add_argument("--peer-organisation", default="demo-es", help="the other instance's organisation slug")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            failed = 0
            for name in options["files"]:
                try:
                    referral = svc.inbox_receive(Path(name).read_bytes(), via="file")
                except env.EnvelopeError as exc:
                    failed += 1
                    why = f"{exc.code}: {exc}" if isinstance(exc, env.TooOldError) else exc.code
                    self.stderr.write(f"{name}: refused ({why})")
                except StateError:
                    failed += 1
                    self.stderr.write(f"{name}: refused (invalid_transition)")
                except OSError as exc:
                    failed += 1
                    self.stderr.write(f"{name}: {exc.strerror}")
                else:
                    self.stdout.write(f"{name}: referral {referral.exchange_id} now {referral.state}")
            if failed:
                raise CommandError(f"{failed} file(s) refused; nothing was stored from them")
        elif action == "export":
            try:
                partner = Partner.objects.get(name__iexact=options["partner"])
            except Partner.DoesNotExist as exc:
                raise CommandError("no such partner") from exc
            out = Path(options["dir"])
            out.mkdir(parents=True, exist_ok=True)
            n = 0
            for msg in OutboundMessage.objects.filter(partner=partner, delivered_at__isnull=True,
                                                      expires_at__gt=timezone.now()):
                (out / f"{msg.message_id}.jisr").write_bytes(bytes(msg.blob))
                svc.outbound_mark_exported(message=msg)
                n += 1
            self.stdout.write(f"{n} file(s) written to {out}")
        elif action == "demo_pair":
            self._demo_pair(options)
        elif action == "deliver":
            self.stdout.write(" ".join(f"{k}={v}" for k, v in svc.referrals_tick().items()))
        else:
            for r in Referral.objects.order_by("created_at"):
                self.stdout.write(f"{r.exchange_id}\t{r.direction}\t{r.state}")

    # --- demo_pair -----------------------------------------------------------------------------------------

    def _demo_pair(self, options: dict[str, Any]) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_pair is for development only: between real partners, exchange keys with "
                               "`jisr keys show --json` / `jisr partner add` and confirm fingerprints on a call")
        urls = [options["url"].rstrip("/"), options["peer_url"].rstrip("/")]
        if any(urlsplit(u).hostname not in ("127.0.0.1", "localhost", "::1") for u in urls):
            raise CommandError("demo_pair pairs two instances on this machine: both addresses must be loopback")
        own_url, peer_url = urls
        slug, peer_slug = options["organisation"], options["peer_organisation"]
        try:
            org = Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"no organisation {slug} here: run `jisr seed_demo` first") from exc
        peer_name, own_name = demo_instance_name(peer_slug), demo_instance_name(slug)
        peer = _Peer(Path(options["peer_data_dir"]))

        # 1. Identities (once).
        if svc.current_instance_key() is None:
            svc.instance_keys_init(name=slug)
        if peer.run("keys", "show", check=False).returncode != 0:
            peer.run("keys", "init", peer_slug)
        own_keys = svc.own_public_keys()
        peer_json = peer.run("keys", "show", "--json").stdout
        peer_json = peer_json[peer_json.index("{"):]
        # 2. Each in the other's partner directory, fingerprints confirmed.
        try:
            partner = Partner.objects.filter(name__iexact=peer_name).first() or svc.partner_add(
                actor=None, organisation=org, name=peer_name, inbox_url=peer_url + INBOX_PATH, public_keys=peer_json,
                country=peer_slug[-2:], actor_label="demo_pair")
            if partner.confirmed_at is None:
                svc.partner_confirm(actor=None, partner=partner, fingerprint=partner.fingerprint,
                                    actor_label="demo_pair")
        except (StateError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if _listed(peer, own_name) is None:
            with tempfile.TemporaryDirectory() as tmp:
                keys_file = Path(tmp) / f"{slug}.json"
                keys_file.write_text(own_keys.to_json(), encoding="utf-8")
                peer.run("partner", "add", own_name, "--url", own_url + INBOX_PATH, "--public-keys", str(keys_file),
                         "--organisation", peer_slug, "--country", slug[-2:])
        if _listed(peer, own_name) != "confirmed":
            peer.run("partner", "confirm", own_name, "--fingerprint", own_keys.fingerprint)
        self.stdout.write(
            f"{slug} ({own_url}) fingerprint {own_keys.fingerprint}\n"
            f"{peer_slug} ({peer_url}) fingerprint {partner.fingerprint}\n"
            f"Here the partner is \"{peer_name}\"; there it is \"{own_name}\". Both confirmed by demo_pair "
            "(between real partners, a person confirms each fingerprint after hearing it read aloud).")


def _listed(peer: _Peer, name: str) -> str | None:
    """The state `jisr partner list` shows on the peer for partner `name` (None: not there)."""
    for line in peer.run("partner", "list").stdout.splitlines():
        cells = line.split("\t")
        if len(cells) >= 3 and cells[0].lower() == name.lower():
            return cells[2]
    return None


class _Peer:
    """The other local instance, reached through its own `jisr` command and JISR_DATA_DIR."""

    def __init__(self, data_dir: Path) -> None:
        if not data_dir.is_dir():
            raise CommandError(f"{data_dir} is not a directory: migrate the other instance first")
        self.jisr = str(Path(sys.executable).parent / "jisr")
        if not Path(self.jisr).exists():
            self.jisr = shutil.which("jisr") or "jisr"
        # Nothing of ours may leak into the peer: its own data dir, database and keys.
        self.env = {k: v for k, v in os.environ.items() if k not in (
            "DATABASE_URL", "JISR_MASTER_KEY", "JISR_MASTER_KEY_FILE", "SECRET_KEY", "SECRET_KEY_FILE")}
        self.env["JISR_DATA_DIR"] = str(data_dir)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # Our own `jisr` with fixed sub-commands; no shell, arguments from the command line of an operator.
        result = subprocess.run([self.jisr, *args], env=self.env, capture_output=True, text=True,  # noqa: S603
                                timeout=120)
        if check and result.returncode != 0:
            raise CommandError(f"the other instance refused `jisr {' '.join(args[:2])}`: {result.stderr[-500:]}")
        return result
