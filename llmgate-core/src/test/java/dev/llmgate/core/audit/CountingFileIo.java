package dev.llmgate.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The file sink's I/O for tests: real files whose {@code force} calls are counted, and group
 * commits that run only when the test runs them ({@link #runScheduled()}).
 */
final class CountingFileIo implements JsonLinesFileSink.Io {
    final AtomicInteger forces = new AtomicInteger();
    final AtomicInteger bytesWritten = new AtomicInteger();
    private final List<Runnable> scheduled = new ArrayList<>();
    /** Each scheduled task's delay, in order. */
    final List<Long> delays = new ArrayList<>();

    @Override
    public FileChannel create(Path file) throws IOException {
        return new Counting(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        scheduled.add(task);
        delays.add(delayNanos);
    }

    @Override
    public void shutdown() {}

    synchronized int pending() {
        return scheduled.size();
    }

    /** Runs the group commits scheduled so far, as their timer would. */
    void runScheduled() {
        List<Runnable> now;
        synchronized (this) {
            now = new ArrayList<>(scheduled);
            scheduled.clear();
        }
        now.forEach(Runnable::run);
    }

    private final class Counting extends FileChannel {
        private final FileChannel d;

        Counting(FileChannel d) {
            this.d = d;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forces.incrementAndGet();
            d.force(metaData);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = d.write(src);
            bytesWritten.addAndGet(n);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = d.write(srcs, offset, length);
            bytesWritten.addAndGet((int) n);
            return n;
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            d.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return d.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return d.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return d.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}
