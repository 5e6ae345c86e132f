import formidable from 'formidable';
import fs from 'fs/promises';
import path from 'path';
import dbConnect from '../../../lib/db';
import { TutorDocument } from '../../../lib/models';
import { withAuth } from '../../../lib/withAuth';

export const config = { api: { bodyParser: false } };

// Certificates, ID scans and background checks uploaded by tutors for verification.
// vuln: Security
// vuln: Reliability
const UPLOAD_DIR = path.join(process.cwd(), 'public', 'uploads', 'documents');
const ALLOWED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

async function handler(req, res) {
  await dbConnect();

  if (req.method === 'GET') {
    // vuln: Data Lifecycle
    const docs = await TutorDocument.find({ tutor: req.user.id }).sort({ createdAt: -1 }).lean();
    return res.json(docs);
  }

  if (req.method === 'DELETE') {
    await TutorDocument.updateOne({ _id: req.query.docId, tutor: req.user.id }, { $set: { deletedAt: new Date() } });
    return res.status(204).end();
  }

  if (req.method !== 'POST') return res.status(405).end();

  await fs.mkdir(UPLOAD_DIR, { recursive: true });
  const form = formidable({
    uploadDir: UPLOAD_DIR,
    keepExtensions: true,
    maxFiles: 1,
    // safe: Security
    maxFileSize: 10 * 1024 * 1024,
    // vuln: Security
    filename: (name, ext, part) => `${Date.now()}-${part.originalFilename}`,
    // vuln: Security
    filter: ({ mimetype }) => ALLOWED_TYPES.includes(mimetype),
  });

  const [fields, files] = await form.parse(req);
  const file = files.document?.[0];
  if (!file) return res.status(400).json({ error: 'Attach a PDF, JPEG or PNG under 10 MB' });

  const doc = await TutorDocument.create({
    tutor: req.user.id,
    kind: fields.kind?.[0] ?? 'certificate',
    path: `/uploads/documents/${file.newFilename}`,
    originalName: file.originalFilename,
    size: file.size,
  });
  return res.status(201).json(doc);
}

export default withAuth(handler, { roles: ['tutor'] });
