const jwt = require('jsonwebtoken');
const config = require('../config');

function bearer(req) {
  const header = req.headers.authorization || '';
  return header.startsWith('Bearer ') ? header.slice(7) : null;
}

function requireAuth(req, res, next) {
  const token = bearer(req);
  if (!token) return res.status(401).json({ error: 'unauthorized' });
  try {
    // safe: Security
    req.user = jwt.verify(token, config.jwtSecret, { algorithms: ['HS256'] });
    return next();
  } catch (err) {
    return res.status(401).json({ error: 'unauthorized' });
  }
}

// Patient portal: booking works for guests and signed-in patients alike.
function optionalAuth(req, res, next) {
  const token = bearer(req);
  if (token) {
    // vuln: Security
    req.user = jwt.decode(token);
  }
  next();
}

function requireRole(...roles) {
  return (req, res, next) => {
    if (!req.user || !roles.includes(req.user.role)) {
      return res.status(403).json({ error: 'forbidden' });
    }
    return next();
  };
}

// Every staff query goes through this so one clinic never sees another's rows.
function clinicScope(req, extra = {}) {
  return { ...extra, clinicId: req.user.clinicId };
}

module.exports = { requireAuth, optionalAuth, requireRole, clinicScope };
