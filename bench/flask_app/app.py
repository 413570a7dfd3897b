"""The Flask + PyOTP + Google Authenticator tutorial's app, for `make bench`.

Written the way that tutorial writes it (Flask, Flask-Login, PyOTP, qrcode +
Pillow, a SQLite table of users, Jinja templates, a QR image drawn on each
request), with totpgate's routes and answers so both can be measured with the
same wrk scripts:

  GET  /            login form (username, password, hidden csrf and rd)
  POST /login       password, optional code: 303 to rd or /home, /login/code,
                    /enroll, or back to / with a flash
  GET|POST /login/code, GET|POST /enroll, GET /qr (PNG in the enrolment step)
  GET  /home        "Welcome, NAME" when logged in, else 303 to /
  GET  /auth        200 with X-Auth-User when logged in, else 401, no body
  GET|POST /logout  clears the session

Sessions are Flask's signed cookie, named `totpgate` like totpgate's. What the
tutorial leaves out and totpgate has, CSRF tokens and refusing a replayed
code, is added in its simplest form so both do the same work per login.

Settings come from the environment: BENCH_FLASK_DB (SQLite file),
BENCH_FLASK_SECRET (the cookie key all gunicorn workers share).
"""
import io
import os
import secrets
import sqlite3

import pyotp
import qrcode
from flask import Flask, abort, flash, g, redirect, render_template, request, send_file, session
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

ISSUER = "totpgate"
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    otp_secret TEXT NOT NULL,
    otp_enabled INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER NOT NULL DEFAULT 0
)"""

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("BENCH_FLASK_SECRET", "dev"),
    SESSION_COOKIE_NAME="totpgate",
    SESSION_COOKIE_SAMESITE="Lax",
    DATABASE=os.environ.get("BENCH_FLASK_DB", "flask_app.db"),
)
login_manager = LoginManager(app)
login_manager.login_view = "index"


def get_db():
    """One SQLite connection per request, as the Flask tutorial does it."""
    if "db" not in g:
        g.db = sqlite3.connect(app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(_error):
    db = g.pop("db", None)
    if db is not None:
        db.close()


class User(UserMixin):
    def __init__(self, row):
        self.id = row["id"]
        self.username = row["username"]
        self.password_hash = row["password_hash"]
        self.otp_secret = row["otp_secret"]
        self.otp_enabled = bool(row["otp_enabled"])

    @staticmethod
    def find(**where):
        (column, value), = where.items()
        row = get_db().execute(f"SELECT * FROM users WHERE {column} = ?", (value,)).fetchone()
        return User(row) if row else None

    def totp(self):
        return pyotp.TOTP(self.otp_secret)

    def accept_code(self, code):
        """Checks `code` (±1 step) and stores its step, refusing one not newer than the last."""
        try:
            step = self.totp().verify_and_get_timecode(code, valid_window=1)
        except pyotp.exceptions.OTPVerificationError:
            return False
        db = get_db()
        accepted = db.execute("UPDATE users SET last_step = ? WHERE id = ? AND last_step < ?",
                              (step, self.id, step)).rowcount == 1
        db.commit()
        return accepted


@login_manager.user_loader
def load_user(user_id):
    return User.find(id=int(user_id))


def user_in_session(key):
    """The user a login step in progress (`pending` code, `enrol`ment) keeps in the session, or None."""
    return User.find(id=session[key]) if key in session else None


def csrf_token():
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(16)
    return session["csrf"]


@app.before_request
def check_csrf():
    if request.method == "POST" and not secrets.compare_digest(request.form.get("csrf", ""), session.get("csrf", "")):
        abort(403)


def local_path(rd):
    return rd if rd.startswith("/") and not rd.startswith("//") and "\\" not in rd else "/home"


def finish_login(user, rd):
    session.pop("pending", None)
    session.pop("enrol", None)
    login_user(user)
    return redirect(local_path(rd), code=303)


def refuse():
    flash("Invalid username, password or code")
    return redirect("/", code=303)


@app.get("/")
def index():
    if current_user.is_authenticated:
        return redirect("/home", code=303)
    return render_template("login.html", csrf=csrf_token(), rd=request.args.get("rd", ""))


@app.post("/login")
def login():
    user = User.find(username=request.form.get("username", ""))
    if user is None or not check_password_hash(user.password_hash, request.form.get("password", "")):
        return refuse()
    code, rd = request.form.get("code", ""), request.form.get("rd", "")
    if not user.otp_enabled:
        session["enrol"] = user.id
        return redirect("/enroll", code=303)
    if not code:
        session["pending"] = user.id
        session["rd"] = rd
        return redirect("/login/code", code=303)
    return finish_login(user, rd) if user.accept_code(code) else refuse()


@app.route("/login/code", methods=["GET", "POST"])
def second_step():
    user = user_in_session("pending")
    if user is None:
        return redirect("/", code=303)
    if request.method == "POST":
        return finish_login(user, session.pop("rd", "")) if user.accept_code(request.form.get("code", "")) else refuse()
    return render_template("code.html", csrf=csrf_token())


@app.route("/enroll", methods=["GET", "POST"])
def enroll():
    user = user_in_session("enrol")
    if user is None:
        return redirect("/", code=303)
    if request.method == "POST":
        if not user.accept_code(request.form.get("code", "")):
            flash("Invalid code")
            return redirect("/enroll", code=303)
        db = get_db()
        db.execute("UPDATE users SET otp_enabled = 1 WHERE id = ?", (user.id,))
        db.commit()
        return finish_login(user, "/home")
    return render_template("enroll.html", csrf=csrf_token(), secret=user.otp_secret)


@app.get("/qr")
def qr():
    user = user_in_session("enrol")
    if user is None:
        abort(403)
    uri = user.totp().provisioning_uri(name=user.username, issuer_name=ISSUER)
    image = io.BytesIO()
    qrcode.make(uri, box_size=6, border=4).save(image, "PNG")
    image.seek(0)
    response = send_file(image, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@app.get("/home")
@login_required
def home():
    return render_template("home.html", username=current_user.username)


@app.get("/auth")
def auth():
    if current_user.is_authenticated:
        return "", 200, {"X-Auth-User": current_user.username}
    return "", 401


@app.route("/logout", methods=["GET", "POST"])
def logout():
    logout_user()
    session.clear()
    return redirect("/", code=303)


def create_users(database, users):
    """Adds (name, password, base32 secret, enrolled) rows; each distinct password is hashed once."""
    hashes = {}
    with sqlite3.connect(database) as db:
        db.execute(SCHEMA)
        for name, password, secret, enrolled in users:
            if password not in hashes:
                hashes[password] = generate_password_hash(password)
            db.execute("INSERT INTO users (username, password_hash, otp_secret, otp_enabled) VALUES (?, ?, ?, ?)",
                       (name, hashes[password], secret, int(enrolled)))
